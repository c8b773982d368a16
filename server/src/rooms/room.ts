import {
  boardSchema,
  checkDocDiff,
  EV,
  pushValidator,
  type BatchMessage,
  type BoardMeta,
  type DocDiff,
  type Role,
  type WelcomeMessage,
  type WireEntry,
  validationMessage,
} from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { randomBytes } from 'node:crypto'
import type { LogEntry, StorageEngine, Unsubscribe } from '../storage/types.ts'
import { BoardState } from './boardState.ts'
import { FlushScheduler } from './flushScheduler.ts'
import type { PresenceBus, PresenceNews } from './presenceBus.ts'

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
}

interface RecentEntry {
  entry: LogEntry
  rejected?: string
}

export interface RoomOptions {
  /** How many entries a reconnecting client may be behind and still get entries, not the whole board. */
  catchUpWindow?: number
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
    return room
  }

  get offset() {
    return this.state.offset
  }

  get documentRecords(): UnknownRecord[] {
    return [...this.state.records.values()]
  }

  join(socket: RoomSocket, clientId: string, lastOffset: number | null, role: Role): Session {
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
    const firstRecent = this.recent[0]?.entry.offset ?? this.state.offset + 1
    if (lastOffset !== null && lastOffset <= this.state.offset && lastOffset >= firstRecent - 1) {
      welcome.entries = this.recent.filter((r) => r.entry.offset > lastOffset).map((r) => this.toWire(r, session))
    } else {
      welcome.records = this.documentRecords
    }
    return welcome
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
      session.socket.emit(EV.fatal, { code: 'bad-request', message: `malformed push: ${validationMessage(e)}` })
      return
    }
    const checked = checkDocDiff(msg.diff)
    if (!checked.ok) {
      this.send(session, { s: msg.seq, r: checked.reason })
      return
    }
    const push = { clientId: session.clientId, seq: msg.seq, diff: checked.diff }
    session.appending = session.appending.then(() => this.append(session, push))
    await session.appending
  }

  private async append(session: Session, push: { clientId: string; seq: number; diff: DocDiff }) {
    if (session.failedSeq !== null && push.seq > session.failedSeq) return
    try {
      await this.storage.append(this.board.id, push)
      if (session.failedSeq !== null && push.seq >= session.failedSeq) {
        session.failedSeq = null
        session.socket.emit(EV.saving, { paused: false })
      }
    } catch (e) {
      if (session.failedSeq === null) {
        // Once per outage and session: the client re-sends every second until storage is back.
        this.opts.log(`board ${this.board.id}: cannot store changes, saving paused`, (e as Error).message)
        session.socket.emit(EV.saving, { paused: true })
      }
      session.failedSeq = Math.min(session.failedSeq ?? push.seq, push.seq)
    }
  }

  setPresence(session: Session, record: unknown) {
    if (!this.sessions.has(session)) return
    if (record === null) {
      this.leavePresence(session)
      return
    }
    let valid: UnknownRecord
    try {
      valid = boardSchema.types.instance_presence.validate({
        ...(record as object),
        id: session.presenceId,
      }) as UnknownRecord
    } catch {
      return
    }
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
      const rejected = this.state.fold(entry)
      const recent: RecentEntry = rejected ? { entry, rejected } : { entry }
      this.recent.push(recent)
      for (const s of this.sessions) s.outbox.push(this.toWire(recent, s))
    }
    if (this.recent.length > this.opts.catchUpWindow * 1.5) this.recent.splice(0, this.recent.length - this.opts.catchUpWindow)
    this.scheduler.request()
    if (this.state.offset - this.lastSnapshotOffset >= this.opts.compactEvery) void this.compact()
  }

  private toWire({ entry, rejected }: RecentEntry, session: Session): WireEntry {
    if (entry.clientId === session.clientId) return rejected ? { o: entry.offset, s: entry.seq, r: rejected } : { o: entry.offset, s: entry.seq }
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
      // Presence alone may be dropped under back-pressure; document entries never are.
      if (batch.entries) s.socket.emit(EV.batch, batch)
      else s.socket.volatile.emit(EV.batch, batch)
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
        this.opts.log(`board ${this.board.id}: reload failed, retrying`, (e as Error).message)
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
    this.recent.length = 0
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
      this.opts.log(`board ${this.board.id}: compaction failed`, (e as Error).message)
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
