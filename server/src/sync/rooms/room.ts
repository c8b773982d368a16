import {
  checkDocDiff,
  encodeWelcomeDocument,
  EV,
  formatBytes,
  LIMITS,
  pushValidator,
  type Adjustment,
  type BatchMessage,
  type BoardMeta,
  type DocDiff,
  type RefusalCode,
  type Role,
  type WelcomeMessage,
  type WireEntry,
  validationMessage,
} from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { randomBytes } from 'node:crypto'
import type { ConnectionLimits } from '../../limits/inboundLimits.ts'
import { UnstorableEntryError, type LogEntry, type StorageEngine, type Unsubscribe } from '../../storage/types.ts'
import { boardTag } from '../../storage/boardTag.ts'
import { repairDiff, REPAIR_WRITER } from './boardRepair.ts'
import { BoardState } from './boardState.ts'
import { FlushScheduler } from './flushScheduler.ts'
import type { PresenceBus, PresenceNews } from './presenceBus.ts'
import { presenceForRelay } from './presenceRecord.ts'

/** The slice of a Socket.IO socket a room talks to. */
export interface RoomSocket {
  emit(event: string, payload: unknown): unknown
  volatile: { emit(event: string, payload: unknown): unknown }
  disconnect(close?: boolean): unknown
}

export interface Session {
  socket: RoomSocket
  clientId: string
  role: Role
  /** Stands in for the clientId in presence ids, so other clients never learn it. */
  presenceId: string
  outbox: WireEntry[]
  presencePut: Map<string, UnknownRecord>
  presenceRemove: Set<string>
  /** This session's appends, one after another: a later seq must never be stored before an earlier one. */
  appending: Promise<void>
  /** The first seq whose append failed; later seqs wait for the client to re-send from it. */
  failedSeq: number | null
  /** Why the client was last told saving is paused, so it is told once per spell. */
  paused: 'storage' | 'slow-down' | null
  /** This connection's share of the node's rate limits; absent for the server's own sessions. */
  limits?: ConnectionLimits
}

interface RecentEntry {
  entry: LogEntry
  rejected?: string
  /** What the fold changed or left out of the entry, for its author. */
  adjusted?: Adjustment[]
  /** The entry's diff as JSON, roughly: what sending it costs. */
  bytes: number
}

export interface RoomOptions {
  /** How many entries a reconnecting client may be behind and still get entries, not the whole board. */
  catchUpWindow?: number
  /**
   * The most bytes of entries a reconnecting client is sent; past it, the whole document is
   * cheaper (and is shared by every welcome at that offset).
   */
  catchUpBytes?: number
  /** Entries folded between two compactions. */
  compactEvery?: number
  tickMs?: number
  log?: (message: string, extra?: unknown) => void
  /** Other server nodes serving this board; absent on a single node. */
  bus?: PresenceBus
  /** A node not heard from for this long has its people's presence dropped. */
  presenceExpiryMs?: number
}

interface RemotePresence {
  record: UnknownRecord
  node: string
  seenAt: number
}

/**
 * One board on this server process: its folded document, the sessions on it, and the fan-out.
 * Order comes only from the storage tail, never from the order pushes arrived here.
 */
export class Room {
  readonly sessions = new Set<Session>()
  private readonly presence = new Map<string, UnknownRecord>()
  private readonly remotePresence = new Map<string, RemotePresence>()
  /** Local presence changes not yet told to the other nodes. */
  private readonly presenceOut = { put: new Map<string, UnknownRecord>(), remove: new Set<string>() }
  private resyncing = false
  private readonly recent: RecentEntry[] = []
  private recentBytes = 0
  /** The document as sent in welcomes, encoded once per offset however many clients join. */
  private welcomeDocument: { offset: number; json: Uint8Array } | null = null
  private readonly scheduler: FlushScheduler
  private unsubscribe: Unsubscribe | null = null
  private compacting = false
  private lastSnapshotOffset: number
  private readonly opts: Required<Omit<RoomOptions, 'bus'>> & Pick<RoomOptions, 'bus'>

  private constructor(
    readonly board: BoardMeta,
    private readonly storage: StorageEngine,
    private state: BoardState,
    opts: RoomOptions
  ) {
    this.opts = {
      catchUpWindow: 2000,
      catchUpBytes: 4 * 1024 * 1024,
      compactEvery: 500,
      tickMs: 8,
      log: (m, e) => console.error(m, e ?? ''),
      presenceExpiryMs: 15_000,
      ...opts,
    }
    this.lastSnapshotOffset = state.offset
    this.scheduler = new FlushScheduler(() => this.flush(), this.opts.tickMs)
  }

  static async load(board: BoardMeta, storage: StorageEngine, opts: RoomOptions = {}): Promise<Room> {
    const { snapshot, entries } = await storage.load(board.id)
    const state = new BoardState(snapshot, entries)
    const room = new Room(board, storage, state, opts)
    room.lastSnapshotOffset = snapshot.offset
    if (state.migrated) await room.compact()
    room.unsubscribe = storage.subscribe(board.id, state.offset, (e) => room.onEntries(e))
    await room.repair()
    return room
  }

  /** Removes, through the log, what an older server let in and would break every browser now. */
  private async repair() {
    const repair = repairDiff(this.state.records)
    if (!repair) return
    this.opts.log(`board ${boardTag(this.board.id)}: removing ${repair.reasons.length} record(s) that would break browsers`, repair.reasons.slice(0, 5))
    try {
      await this.storage.append(this.board.id, { clientId: REPAIR_WRITER, seq: Date.now(), diff: repair.diff })
    } catch (e) {
      this.opts.log(`board ${boardTag(this.board.id)}: repair failed, retried at the next load`, (e as Error).message)
    }
  }

  get offset() {
    return this.state.offset
  }

  get documentRecords(): UnknownRecord[] {
    return [...this.state.records.values()]
  }

  join(socket: RoomSocket, clientId: string, lastOffset: number | null, role: Role, limits?: ConnectionLimits): Session {
    for (const other of this.sessions) {
      // A client that reconnects before its old socket timed out takes its place.
      if (other.clientId === clientId) {
        this.leave(other)
        other.socket.disconnect(true)
      }
    }
    const session: Session = {
      socket,
      clientId,
      role,
      presenceId: `instance_presence:${randomBytes(9).toString('base64url')}`,
      outbox: [],
      presencePut: new Map(),
      presenceRemove: new Set(),
      appending: Promise.resolve(),
      failedSeq: null,
      paused: null,
      limits,
    }
    socket.emit(EV.welcome, this.welcomeFor(session, lastOffset))
    this.sessions.add(session)
    return session
  }

  private welcomeFor(session: Session, lastOffset: number | null): WelcomeMessage {
    const welcome: WelcomeMessage = {
      board: this.board,
      role: session.role,
      offset: this.state.offset,
      settledSeq: this.state.clientSeqs.get(session.clientId) ?? 0,
      presence: [...this.presence.values(), ...[...this.remotePresence.values()].map((p) => p.record)],
    }
    const entries = lastOffset === null ? null : this.entriesAfter(lastOffset)
    if (entries) welcome.entries = entries.map((r) => this.toWire(r, session))
    else welcome.document = this.documentJson()
    return welcome
  }

  /** What a client at `lastOffset` missed, or null when the document is all it can be sent. */
  private entriesAfter(lastOffset: number): RecentEntry[] | null {
    const firstRecent = this.recent[0]?.entry.offset ?? this.state.offset + 1
    if (lastOffset > this.state.offset || lastOffset < firstRecent - 1) return null
    const missed = this.recent.slice(lastOffset - firstRecent + 1)
    let bytes = 0
    for (const r of missed) if ((bytes += r.bytes) > Math.min(this.opts.catchUpBytes, this.state.bytes)) return null
    return missed
  }

  private documentJson(): Uint8Array {
    if (this.welcomeDocument?.offset !== this.state.offset) {
      this.welcomeDocument = { offset: this.state.offset, json: encodeWelcomeDocument(this.documentRecords) }
    }
    return this.welcomeDocument.json
  }

  leave(session: Session) {
    if (!this.sessions.has(session)) return
    this.leavePresence(session)
    this.sessions.delete(session)
  }

  /** Checks a push on its own, then hands it to storage; its fate reaches everyone through the tail. */
  async push(session: Session, raw: unknown): Promise<void> {
    if (!this.sessions.has(session)) return
    let msg: { seq: number; diff?: unknown }
    try {
      msg = pushValidator.validate(raw)
    } catch (e) {
      this.refuseMessage(session, `malformed push: ${validationMessage(e)}`)
      return
    }
    // One after another: whether a push waits behind one to be re-sent is known only in turn.
    session.appending = session.appending.then(() => this.accept(session, msg))
    await session.appending
  }

  private async accept(session: Session, msg: { seq: number; diff?: unknown }) {
    // Behind a push that is to be re-sent: dropped unread, the client re-sends this one too.
    if (!this.sessions.has(session) || (session.failedSeq !== null && msg.seq > session.failedSeq)) return
    const checked = checkDocDiff(msg.diff)
    if (!checked.ok) {
      this.refuse(session, msg.seq, 'invalid', checked.reason)
      return
    }
    if (this.state.bytes + checked.bytes > LIMITS.boardBytes && Object.values(checked.diff).some((op) => op[0] !== 'remove')) {
      this.refuse(session, msg.seq, 'board-full', `the board is full (${formatBytes(LIMITS.boardBytes)}): remove something first`)
      return
    }
    if (!(session.limits?.push(Object.keys(checked.diff).length, checked.bytes) ?? true)) {
      // Not refused: kept by the client and re-sent, like a push storage could not take.
      if (!this.strike(session)) return
      session.failedSeq = Math.min(session.failedSeq ?? msg.seq, msg.seq)
      this.pause(session, 'slow-down')
      return
    }
    await this.append(session, { clientId: session.clientId, seq: msg.seq, diff: checked.diff })
  }

  private async append(session: Session, push: { clientId: string; seq: number; diff: DocDiff }) {
    try {
      await this.storage.append(this.board.id, push)
      if (session.failedSeq !== null && push.seq >= session.failedSeq) {
        session.failedSeq = null
        session.paused = null
        session.socket.emit(EV.saving, { paused: false })
      }
    } catch (e) {
      if (e instanceof UnstorableEntryError) {
        // Retrying cannot help a change that can never be written: refuse it as invalid.
        this.refuse(session, push.seq, 'invalid', 'this change cannot be stored')
        return
      }
      if (session.paused !== 'storage') {
        this.opts.log(`board ${boardTag(this.board.id)}: cannot store changes, saving paused`, (e as Error).message)
      }
      this.pause(session, 'storage')
      session.failedSeq = Math.min(session.failedSeq ?? push.seq, push.seq)
    }
  }

  /** Once per spell and session: the client keeps its pushes and re-sends them every second. */
  private pause(session: Session, reason: 'storage' | 'slow-down') {
    if (session.paused === reason) return
    session.paused = reason
    session.socket.emit(EV.saving, { paused: true, reason })
  }

  /** A push that will never be accepted as sent: the client rolls it back and says why. */
  private refuse(session: Session, seq: number, code: RefusalCode, reason: string) {
    if (!this.strike(session)) return
    this.send(session, { s: seq, r: reason, c: code })
  }

  /** A message that is not even a push or a presence update. */
  private refuseMessage(session: Session, message: string) {
    if (!this.strike(session)) return
    session.socket.emit(EV.fatal, { code: 'bad-request', message })
  }

  /** Counts a refused message against the session; one refused too often is cut off. */
  private strike(session: Session): boolean {
    if (session.limits?.strike() ?? true) return true
    this.opts.log(`board ${boardTag(this.board.id)}: a client sent too many refused messages; disconnected`)
    session.socket.emit(EV.fatal, { code: 'abuse', message: 'Too many refused messages: disconnected.' })
    this.leave(session)
    session.socket.disconnect(true)
    return false
  }

  setPresence(session: Session, raw: unknown) {
    if (!this.sessions.has(session)) return
    if (raw === null) {
      this.leavePresence(session)
      return
    }
    if (!(session.limits?.presence() ?? true)) {
      // Presence is ephemeral and the next update supersedes this one: dropping it is harmless.
      this.strike(session)
      return
    }
    const checked = presenceForRelay(raw, session.presenceId)
    if (!checked.ok) {
      this.strike(session)
      return
    }
    const valid = checked.record
    this.presence.set(session.presenceId, valid)
    this.presenceOut.remove.delete(session.presenceId)
    this.presenceOut.put.set(session.presenceId, valid)
    for (const s of this.sessions) {
      if (s === session) continue
      s.presenceRemove.delete(session.presenceId)
      s.presencePut.set(session.presenceId, valid)
    }
    this.scheduler.request()
  }

  private leavePresence(session: Session) {
    if (!this.presence.delete(session.presenceId)) return
    this.presenceOut.put.delete(session.presenceId)
    this.presenceOut.remove.add(session.presenceId)
    for (const s of this.sessions) {
      if (s === session) continue
      s.presencePut.delete(session.presenceId)
      s.presenceRemove.add(session.presenceId)
    }
    this.scheduler.request()
  }

  /** Presence news from another node serving this board. */
  onRemotePresence(news: PresenceNews) {
    const now = Date.now()
    const listed = new Set<string>()
    for (const record of news.put) {
      listed.add(record.id)
      this.remotePresence.set(record.id, { record, node: news.node, seenAt: now })
      this.queuePresence(record.id, record)
    }
    for (const id of news.remove) this.dropRemote(id)
    for (const [id, p] of this.remotePresence) {
      if (p.node === news.node) {
        p.seenAt = now
        if (news.full && !listed.has(id)) this.dropRemote(id)
      }
    }
  }

  /** Tells the other nodes everything present here, and forgets nodes that went quiet. */
  heartbeat(now = Date.now()) {
    this.opts.bus?.publish({ boardId: this.board.id, put: [...this.presence.values()], remove: [], full: true })
    for (const [id, p] of this.remotePresence) if (now - p.seenAt > this.opts.presenceExpiryMs) this.dropRemote(id)
  }

  private dropRemote(id: string) {
    if (this.remotePresence.delete(id)) this.queuePresence(id, null)
  }

  private queuePresence(id: string, record: UnknownRecord | null) {
    for (const s of this.sessions) {
      if (record) {
        s.presenceRemove.delete(id)
        s.presencePut.set(id, record)
      } else {
        s.presencePut.delete(id)
        s.presenceRemove.add(id)
      }
    }
    this.scheduler.request()
  }

  private onEntries(entries: LogEntry[]) {
    if (this.resyncing) return
    const fresh = entries.filter((e) => e.offset > this.state.offset)
    if (fresh.length > 0 && fresh[0].offset !== this.state.offset + 1) {
      void this.resync()
      return
    }
    entries = fresh
    for (const entry of entries) {
      const folded = this.state.fold(entry)
      const bytes = JSON.stringify(entry.diff).length
      const recent: RecentEntry =
        'rejected' in folded ? { entry, rejected: folded.rejected, bytes } : folded.adjusted.length > 0 ? { entry, adjusted: folded.adjusted, bytes } : { entry, bytes }
      this.recent.push(recent)
      this.recentBytes += bytes
      for (const s of this.sessions) s.outbox.push(this.toWire(recent, s))
    }
    this.trimRecent()
    this.scheduler.request()
    if (this.state.offset - this.lastSnapshotOffset >= this.opts.compactEvery) void this.compact()
  }

  /** Keeps the catch-up window bounded in count and in bytes. */
  private trimRecent() {
    const maxBytes = this.opts.catchUpBytes * 2
    if (this.recent.length <= this.opts.catchUpWindow * 1.5 && this.recentBytes <= maxBytes) return
    let drop = Math.max(0, this.recent.length - this.opts.catchUpWindow)
    let bytes = this.recentBytes
    for (let i = 0; i < drop; i++) bytes -= this.recent[i].bytes
    while (bytes > this.opts.catchUpBytes && drop < this.recent.length) bytes -= this.recent[drop++].bytes
    this.recent.splice(0, drop)
    this.recentBytes = bytes
  }

  private toWire({ entry, rejected, adjusted }: RecentEntry, session: Session): WireEntry {
    if (entry.clientId === session.clientId) {
      if (rejected) return { o: entry.offset, s: entry.seq, r: rejected, c: 'conflict' }
      return adjusted ? { o: entry.offset, s: entry.seq, a: adjusted } : { o: entry.offset, s: entry.seq }
    }
    return rejected ? { o: entry.offset } : { o: entry.offset, d: entry.diff }
  }

  private send(session: Session, entry: WireEntry) {
    session.outbox.push(entry)
    this.scheduler.request()
  }

  private flush() {
    const out = this.presenceOut
    if (this.opts.bus && (out.put.size > 0 || out.remove.size > 0)) {
      this.opts.bus.publish({ boardId: this.board.id, put: [...out.put.values()], remove: [...out.remove] })
    }
    out.put.clear()
    out.remove.clear()
    for (const s of this.sessions) {
      const hasPresence = s.presencePut.size > 0 || s.presenceRemove.size > 0
      if (s.outbox.length === 0 && !hasPresence) continue
      const batch: BatchMessage = {}
      if (s.outbox.length > 0) batch.entries = s.outbox.splice(0)
      if (hasPresence) {
        batch.presence = { put: [...s.presencePut.values()], remove: [...s.presenceRemove] }
        s.presencePut.clear()
        s.presenceRemove.clear()
      }
      try {
        // Presence alone may be dropped under back-pressure; document entries never are.
        if (batch.entries) s.socket.emit(EV.batch, batch)
        else s.socket.volatile.emit(EV.batch, batch)
      } catch (e) {
        // This runs on a timer: a throw here would end the process. The session resyncs from
        // a fresh welcome, which it gets by reconnecting.
        this.opts.log(`board ${boardTag(this.board.id)}: could not send to a client; disconnecting it`, (e as Error).message)
        this.leave(s)
        s.socket.disconnect(true)
      }
    }
  }

  /**
   * This node fell behind a compaction (the entries it missed are trimmed): reload the board and
   * give every session here the whole document again. Their unconfirmed pushes are re-sent.
   */
  private async resync() {
    if (this.resyncing) return
    this.resyncing = true
    this.unsubscribe?.()
    this.unsubscribe = null
    for (;;) {
      try {
        const { snapshot, entries } = await this.storage.load(this.board.id)
        this.state = new BoardState(snapshot, entries)
        break
      } catch (e) {
        this.opts.log(`board ${boardTag(this.board.id)}: reload failed, retrying`, (e as Error).message)
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
    this.recent.length = 0
    this.recentBytes = 0
    this.lastSnapshotOffset = this.state.offset
    this.resyncing = false
    this.unsubscribe = this.storage.subscribe(this.board.id, this.state.offset, (e) => this.onEntries(e))
    for (const s of this.sessions) {
      s.outbox.length = 0
      s.socket.emit(EV.welcome, this.welcomeFor(s, null))
    }
  }

  private async compact() {
    if (this.compacting) return
    this.compacting = true
    try {
      const snapshot = this.state.snapshot()
      await this.storage.compact(this.board.id, snapshot)
      this.lastSnapshotOffset = snapshot.offset
    } catch (e) {
      this.opts.log(`board ${boardTag(this.board.id)}: compaction failed`, (e as Error).message)
    } finally {
      this.compacting = false
    }
  }

  close() {
    if (this.presence.size > 0) this.opts.bus?.publish({ boardId: this.board.id, put: [], remove: [...this.presence.keys()] })
    this.unsubscribe?.()
    this.unsubscribe = null
    this.scheduler.cancel()
    for (const s of [...this.sessions]) s.socket.disconnect(true)
    this.sessions.clear()
  }
}
