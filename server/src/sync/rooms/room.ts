import {
  formatBytes,
  LIMITS,
  refusal,
  SESSION_RECORD_ID,
  sessionOf,
  type BallotMessage,
  type BatchFrame,
  type BoardMeta,
  type ControlMessage,
  type DocDiff,
  type DotRecord,
  type InboundPush,
  type OwnMove,
  type PresenceUpdate,
  type Refusal,
  type Role,
  type SessionRecord,
  type SharedBatch,
  type VoteRecord,
  type WelcomeMessage,
} from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { randomBytes } from 'node:crypto'
import type { ConnectionLimits } from '../../limits/inboundLimits.ts'
import { consoleLogger, type Logger } from '../../observability/logger.ts'
import { boardTag } from '../../storage/boardTag.ts'
import { UnstorableEntryError, type LogEntry, type StorageEngine, type Unsubscribe } from '../../storage/types.ts'
import { authorizeDiff } from '../authorize.ts'
import { appendAsServer } from '../serverWrites.ts'
import { applyControl } from '../session/sessionControls.ts'
import { VoteBox } from '../session/voteBox.ts'
import { sealKeyOf } from '../../boards/linkAccess.ts'
import { repairDiff, REPAIR_WRITER } from './boardRepair.ts'
import { BoardState } from './boardState.ts'
import { CatchUp, ownEntry, sharedEntry, wireEntry, type FoldedEntry } from './catchUp.ts'
import { FlushScheduler } from './flushScheduler.ts'
import { RoomPresence } from './presence.ts'
import type { PresenceBus, PresenceNews } from './presenceBus.ts'
import { type Identity, newSession, type RoomSocket, type Session } from './session.ts'

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
  /**
   * How long an edited board waits, at most, for its next compaction: each one is kept as
   * automatic history (storage/snapshotRetention.ts), so ten minutes of a session are never
   * more than one restore away. Ten minutes by default.
   */
  autoSnapshotMs?: number
  tickMs?: number
  /** How much slower to flush because the process is busy (LoopPressure); 1 by default. */
  stretch?: () => number
  logger?: Logger
  /** Other server nodes serving this board; absent on a single node. */
  bus?: PresenceBus
  /** A node not heard from for this long has its people's presence dropped. */
  presenceExpiryMs?: number
  /** This node's name in the server's own log entries. */
  nodeId?: string
  /** How one batch reaches many sockets; by default, one emit each. */
  fanOut?: FanOut
}

/**
 * Sends one frame to many sockets. Socket.IO's broadcast (transport/fanOut.ts) encodes and
 * frames it once and writes those bytes to each: at 200 people, the difference between one
 * encoding per flush and 200. `droppable`: it may be dropped under back-pressure.
 */
export type FanOut = (sockets: RoomSocket[], frame: BatchFrame, droppable: boolean) => void

const emitEach: FanOut = (sockets, frame, droppable) => {
  for (const s of sockets) (droppable ? s.volatile : s).emit('batch', frame)
}

const randomId = () => randomBytes(12).toString('base64url')

/**
 * How often presence alone is flushed, by room size: each flush is one send to every client, so
 * a large room's cursors go out less often (20 a second at 200 people) and a small room's stay
 * smooth (60 a second up to 64 people).
 */
export function presencePace(people: number): number {
  return Math.min(50, Math.max(16, people / 4))
}

/**
 * How often edits are flushed at most, by room size: each flush is one write to every client, so
 * a room of up to 96 people flushes every `tickMs` (8 ms by default), a larger one less often,
 * down to 60 times a second from 192 people on (tldraw's room batches at 60). At 200 people
 * with 10 dragging, 16 ms against 8.3 took the node from 55–57 % of a core to 44 %, the
 * writes to every socket being a quarter of its time, and change p99 from 38–40 to 30–36 ms,
 * for a p50 of 9.5 against 7.2–9.4 ms. Acks do not wait for it (Room.requestAcks).
 */
export function editPace(people: number, tickMs: number): number {
  return Math.max(tickMs, Math.min(16, people / 12))
}

/**
 * A log tail past half the document (and this) is compacted: a load replays at most about what
 * it reads in the snapshot, however large the pushes since.
 */
const TAIL_BYTES_MIN = 1024 * 1024

type VoteControl = Extract<ControlMessage, { action: `vote-${string}` }>

/** A push that passed the room's checks, on its way to storage. */
type Accepted = Extract<InboundPush, { ok: true }>

/**
 * One board on this server process: the order of its pushes, the fold of its log, and the
 * fan-out to its sessions. Order comes only from the storage tail, never from the order pushes
 * arrived here. Presence and catch-up are rooms of their own (presence.ts, catchUp.ts).
 */
export class Room {
  readonly sessions = new Set<Session>()
  private readonly presence: RoomPresence
  private readonly catchUp: CatchUp
  private readonly scheduler: FlushScheduler
  private readonly log: Logger
  private readonly fanOut: FanOut
  private readonly writer: `server:${string}`
  private resyncing = false
  private unsubscribe: Unsubscribe | null = null
  /** The compaction under way, if one is. */
  private compaction: Promise<void> | null = null
  private lastSnapshotOffset: number
  /** The JSON size of the entries folded since the last compaction this room made. */
  private tailBytes = 0
  private readonly compactEvery: number
  private readonly autoSnapshotMs: number
  private autoSnapshot: ReturnType<typeof setTimeout> | null = null
  /** Who waits for the fold to reach an offset. */
  private foldWaiters: { offset: number; resolve: () => void }[] = []
  /** The facilitators' controls, one after another. */
  private controls: Promise<void> = Promise.resolve()
  /** The session as this room last wrote it, at that entry's offset: ahead of the fold until it is folded. */
  private sessionAhead: { record: SessionRecord; offset: number } | null = null
  /** Entries folded since the last flush, for every session alike. */
  private unsent: FoldedEntry[] = []
  /** The acks and refusals waiting to go ahead of the next flush. */
  private acksDue: NodeJS.Immediate | null = null
  /**
   * Pushes this room checked and is appending, by writer and seq: an entry folded with the very
   * diff checked needs no check again. Only the very diff: another node may have stored a push of
   * the same writer and seq, checked by other checks.
   */
  private readonly checkedHere = new Map<string, DocDiff>()

  private constructor(
    readonly board: BoardMeta,
    private readonly storage: StorageEngine,
    private state: BoardState,
    private readonly votes: VoteBox,
    opts: RoomOptions
  ) {
    this.log = opts.logger ?? consoleLogger
    this.fanOut = opts.fanOut ?? emitEach
    this.compactEvery = opts.compactEvery ?? 500
    this.autoSnapshotMs = opts.autoSnapshotMs ?? 10 * 60_000
    this.writer = `server:${opts.nodeId ?? opts.bus?.nodeId ?? randomBytes(8).toString('hex')}`
    this.lastSnapshotOffset = state.offset
    const tickMs = opts.tickMs ?? 8
    const stretch = opts.stretch ?? (() => 1)
    this.scheduler = new FlushScheduler(
      () => this.flush(),
      () => editPace(this.sessions.size, tickMs) * stretch(),
      () => presencePace(this.sessions.size) * stretch()
    )
    this.catchUp = new CatchUp({ window: opts.catchUpWindow ?? 2000, bytes: opts.catchUpBytes ?? 4 * 1024 * 1024 })
    this.presence = new RoomPresence(board.id, () => this.scheduler.request(true), opts.bus, opts.presenceExpiryMs ?? 15_000)
  }

  static async load(board: BoardMeta, storage: StorageEngine, opts: RoomOptions): Promise<Room> {
    const { snapshot, entries, recordsJson } = await storage.load(board.id)
    const state = new BoardState(snapshot, entries, recordsJson)
    const sealKey = await sealKeyOf(storage, board.id)
    if (!sealKey) throw new Error(`board ${boardTag(board.id)} has no access record`)
    const room = new Room(board, storage, state, new VoteBox(sealKey), opts)
    room.lastSnapshotOffset = snapshot.offset
    if (state.migrated) await room.compact()
    room.unsubscribe = storage.subscribe(board.id, state.offset, (e) => room.onEntries(e))
    await room.repair()
    return room
  }

  /** Removes, through the log, what an older server let in and would break every browser now. */
  private async repair() {
    const repair = repairDiff(this.state.records, this.state.check())
    if (!repair) return
    this.log.warn(
      `board ${boardTag(this.board.id)}: removing ${repair.reasons.length} record(s) that would break browsers`,
      repair.reasons.slice(0, 5)
    )
    try {
      await appendAsServer(this.storage, this.board.id, REPAIR_WRITER, repair.diff)
    } catch (e) {
      this.log.error(`board ${boardTag(this.board.id)}: repair failed, retried at the next load`, (e as Error).message)
    }
  }

  get offset() {
    return this.state.offset
  }

  get documentRecords(): UnknownRecord[] {
    return [...this.state.records.values()]
  }

  join(socket: RoomSocket, identity: Identity, lastOffset: number | null, role: Role, limits?: ConnectionLimits, helloAt = Date.now()): Session {
    const { writerId } = identity
    for (const other of this.sessions) {
      // A client that reconnects before its old socket timed out takes its place.
      if (other.writerId === writerId) {
        this.leave(other)
        other.socket.disconnect(true)
      }
    }
    const session = newSession(socket, identity, role, limits)
    socket.emit('welcome', this.welcomeFor(session, lastOffset, helloAt))
    session.sentThrough = this.state.offset
    this.sessions.add(session)
    // Back on this node: their dots in open votes are still theirs to take back.
    for (const vote of this.openVotes()) if (this.dotsOf(session, vote).length > 0) this.tellDots(session, vote)
    return session
  }

  private welcomeFor(session: Session, lastOffset: number | null, helloAt: number): WelcomeMessage {
    const now = Date.now()
    const welcome: WelcomeMessage = {
      board: this.board,
      role: session.role,
      offset: this.state.offset,
      settledSeq: this.state.clientSeqs.get(session.writerId) ?? 0,
      presence: this.presence.all(),
      presenceId: session.presenceId,
      serverTime: now,
      heldMs: Math.max(0, now - helloAt),
    }
    const entries = lastOffset === null ? null : this.catchUp.entriesAfter(lastOffset, this.state.offset, this.state.bytes)
    if (entries) welcome.entries = entries.map((e) => wireEntry(e, session.writerId))
    else {
      welcome.document = this.catchUp.documentJson(this.state.offset, () => this.state.documentJson())
      const told = this.catchUp.toldTo(session.writerId)
      if (told.length > 0) welcome.told = told
    }
    return welcome
  }

  leave(session: Session) {
    if (!this.sessions.has(session)) return
    this.presence.leave(session)
    this.sessions.delete(session)
  }

  // ─── Inbound: a checked push is authorized, then appended; its fate comes back through the tail ───

  /** Takes a push the transport has parsed (or refused by its seq), in the order the session sent them. */
  async push(session: Session, push: InboundPush): Promise<void> {
    if (!this.sessions.has(session)) return
    session.waiting.push(push)
    // One group after another: whether a push waits behind one to be re-sent is known only in
    // turn. The pushes that arrived while a group was being stored go to storage together, in
    // one write, so a writer is at most one write behind however long a write takes.
    session.appending = session.appending.then(() => this.acceptWaiting(session))
    await session.appending
  }

  private async acceptWaiting(session: Session) {
    // Empty when an earlier link of the chain took this push along with its own.
    const pushes = session.waiting.splice(0)
    const group: Accepted[] = []
    let bytes = 0
    // Pushes after this seq are dropped unread, the client re-sends them; the re-send of this
    // one, stored with its group, lets those after it in the group go too.
    let behind = session.failedSeq
    let resumed = false
    for (const push of pushes) {
      if (!this.sessions.has(session)) return
      if (behind !== null && push.seq > behind) continue
      if (!push.ok) {
        this.refuse(session, push.seq, push.refusal)
        continue
      }
      const refused = this.refusalOf(session, push, bytes)
      if (refused) {
        this.refuse(session, push.seq, refused)
        continue
      }
      if (!(session.limits?.push(Object.keys(push.diff).length, push.bytes) ?? true)) {
        // Not refused: kept by the client and re-sent, like a push storage could not take.
        if (!this.strike(session)) return
        session.failedSeq = resumed ? push.seq : Math.min(session.failedSeq ?? push.seq, push.seq)
        behind = push.seq
        this.pause(session, 'slow-down')
        continue
      }
      if (push.seq === behind) {
        behind = null
        resumed = true
      }
      group.push(push)
      bytes += push.bytes
    }
    if (group.length > 0) await this.append(session, group)
  }

  /** Why the push may not be stored; `ahead`: bytes of its group, accepted but not yet folded. */
  private refusalOf(session: Session, push: Accepted, ahead: number): Refusal | null {
    const forbidden = authorizeDiff(session.role, push.diff, (id) => this.state.records.get(id))
    if (forbidden) return forbidden
    if (this.state.bytes + ahead + push.bytes > LIMITS.boardBytes && Object.values(push.diff).some((op) => op[0] !== 'remove')) {
      return refusal('board-full', { limit: LIMITS.boardBytes }, `the board is full (${formatBytes(LIMITS.boardBytes)})`)
    }
    return null
  }

  /** A session's group of pushes, stored together or not at all. */
  private async append(session: Session, group: Accepted[]) {
    const keys = group.map((push) => `${session.writerId} ${push.seq}`)
    group.forEach((push, i) => this.checkedHere.set(keys[i], push.diff))
    try {
      await this.storage.appendAll(
        this.board.id,
        group.map(({ seq, diff }) => ({ clientId: session.writerId, seq, diff }))
      )
      if (session.failedSeq !== null && group.at(-1)!.seq >= session.failedSeq) this.stored(session)
    } catch (e) {
      for (const key of keys) this.checkedHere.delete(key)
      if (e instanceof UnstorableEntryError) {
        if (group.length > 1) return this.appendEachAlone(session, group)
        // Retrying cannot help a change that can never be written: refuse it.
        this.refuse(session, group[0].seq, refusal('unstorable', {}, (e as Error).message))
        return
      }
      // Stored after all, and already folded from the tail: nothing to re-send.
      const unstored = group.find((push) => (this.state.clientSeqs.get(session.writerId) ?? 0) < push.seq)
      if (!unstored) return
      if (session.paused !== 'storage') {
        this.log.error(`board ${boardTag(this.board.id)}: cannot store changes, saving paused`, (e as Error).message)
      }
      this.pause(session, 'storage')
      session.failedSeq = Math.min(session.failedSeq ?? unstored.seq, unstored.seq)
    }
  }

  /** A group one of whose changes can never be written: the others are stored without it. */
  private async appendEachAlone(session: Session, group: Accepted[]) {
    for (const push of group) {
      if (session.failedSeq !== null && push.seq > session.failedSeq) return
      await this.append(session, [push])
    }
  }

  /**
   * The push saving stopped at is stored after all: acknowledged by the append, or seen in the
   * tail when the storage stored it but its answer was lost (Redis gone mid-reply). The client
   * will not re-send what it sees acknowledged, so waiting for that re-send would stall it forever.
   */
  private stored(session: Session) {
    session.failedSeq = null
    session.paused = null
    session.socket.emit('saving', { paused: false })
  }

  /**
   * Appends a change in the server's own name (a tally, a phase change, a restore): ordered by
   * the same sequencer as every push, it reaches every session here and on other nodes through
   * the tail. Resolves with its offset once durable.
   */
  write(diff: DocDiff): Promise<number> {
    return appendAsServer(this.storage, this.board.id, this.writer, diff)
  }

  /**
   * A facilitator's control of the session: the change is written, in the server's name, to the
   * board's session record, field by field, so two controls at once both take effect. Anyone else
   * is told no, and nothing changes.
   */
  async control(session: Session, control: ControlMessage): Promise<void> {
    if (!this.sessions.has(session)) return
    if (session.role !== 'facilitator') {
      if (!this.strike(session)) return
      session.socket.emit('refused', {
        event: 'control',
        refusal: refusal('forbidden', { type: 'session', role: session.role }, `a ${session.role} may not ${control.action}`),
      })
      return
    }
    // Each control is an entry in the log: counted like a push, so a script cannot flood it.
    if (!(session.limits?.push(1, 256) ?? true)) {
      this.strike(session)
      return
    }
    this.controls = this.controls.then(() => this.writeControl(control))
    await this.controls
  }

  /**
   * One control after another: each is computed on the session as the one before left it, even
   * before that one has come back through the tail, so two quick controls never undo each other.
   */
  private async writeControl(control: ControlMessage) {
    if (control.action.startsWith('vote-')) return this.writeVote(control as VoteControl)
    const stored = this.state.records.get(SESSION_RECORD_ID)
    const ahead = this.sessionAhead && this.sessionAhead.offset > this.state.offset ? this.sessionAhead.record : null
    const base = ahead ?? sessionOf((id) => this.state.records.get(id))
    const changes = applyControl(base, control, Date.now())
    if (Object.keys(changes).length === 0) return
    const diff: DocDiff =
      stored || ahead
        ? { [SESSION_RECORD_ID]: ['patch', { set: changes }] }
        : { [SESSION_RECORD_ID]: ['put', { ...base, ...changes } as unknown as UnknownRecord] }
    try {
      const offset = await this.write(diff)
      this.sessionAhead = { record: { ...base, ...changes }, offset }
    } catch (e) {
      this.log.error(`board ${boardTag(this.board.id)}: a session control could not be stored`, (e as Error).message)
    }
  }

  /** Resolves once the fold has reached `offset`. */
  private folded(offset: number): Promise<void> {
    if (this.state.offset >= offset) return Promise.resolve()
    return new Promise((resolve) => this.foldWaiters.push({ offset, resolve }))
  }

  // ─── Votes ───

  private openVotes(): VoteRecord[] {
    return [...this.state.records.values()].filter((r): r is VoteRecord => r.typeName === 'vote' && (r as VoteRecord).state === 'open')
  }

  private async writeVote(control: VoteControl) {
    let diff: DocDiff
    if (control.action === 'vote-open') {
      const vote: VoteRecord = {
        id: `vote:${randomId()}` as VoteRecord['id'],
        typeName: 'vote',
        targets: control.targets,
        dots: control.dots,
        state: 'open',
        results: null,
        meta: {},
      }
      diff = { [vote.id]: ['put', vote as unknown as UnknownRecord] }
    } else {
      const vote = this.state.records.get(control.voteId) as VoteRecord | undefined
      if (!vote) return
      if (control.action === 'vote-results') {
        if (vote.state !== 'revealed' || !vote.hidden === control.shown) return
        diff = { [vote.id]: ['patch', { set: { hidden: !control.shown } }] }
      } else if (vote.state === 'revealed') {
        return
      } else if (control.action === 'vote-close') {
        if (vote.state !== 'open') return
        diff = { [vote.id]: ['patch', { set: { state: 'closed' } }] }
      } else {
        // Closed first, and counted once the close is folded: a dot after it in the log is never
        // on the board (the fold refuses it), one before it is folded here, wherever it was placed.
        if (vote.state === 'open') {
          try {
            await this.folded(await this.write({ [vote.id]: ['patch', { set: { state: 'closed' } }] }))
          } catch (e) {
            this.log.error(`board ${boardTag(this.board.id)}: a vote could not be closed`, (e as Error).message)
            return
          }
        }
        // The count: every sealed dot of the vote opened and tallied, then removed from the board.
        const dots = [...this.state.records.values()].filter((r): r is DotRecord => r.typeName === 'dot' && (r as DotRecord).voteId === vote.id)
        const { results, unreadable } = this.votes.tally(vote.id, vote.targets, dots)
        if (unreadable > 0) this.log.warn(`board ${boardTag(this.board.id)}: ${unreadable} dot(s) could not be counted`)
        diff = Object.fromEntries(dots.map((d) => [d.id, ['remove']]))
        diff[vote.id] = ['patch', { set: { state: 'revealed', results } }]
      }
    }
    try {
      await this.write(diff)
    } catch (e) {
      this.log.error(`board ${boardTag(this.board.id)}: a vote could not be stored`, (e as Error).message)
    }
  }

  /** A person placing or taking back a dot: in order with the facilitator's controls, so none lands after a reveal. */
  async ballot(session: Session, ballot: BallotMessage): Promise<void> {
    if (!this.sessions.has(session)) return
    if (!(session.limits?.push(1, 256) ?? true)) {
      this.strike(session)
      return
    }
    this.controls = this.controls.then(async () => void (await this.writeBallot(session, ballot)))
    await this.controls
  }

  private async writeBallot(session: Session, { voteId, target, op }: BallotMessage) {
    const vote = this.state.records.get(voteId) as VoteRecord | undefined
    const refuse = (why: Refusal) => session.socket.emit('refused', { event: 'ballot', refusal: why })
    if (session.role === 'projector') return refuse(refusal('forbidden', { type: 'dot', role: session.role }, 'a projector does not vote'))
    if (session.role === 'participant' && sessionOf((id) => this.state.records.get(id)).ended)
      return refuse(refusal('session-ended', {}, 'the session has ended'))
    if (!vote || vote.state !== 'open' || !vote.targets.includes(target)) return refuse(refusal('vote-closed', {}, 'no open vote on that element'))
    const mine = this.dotsOf(session, vote)
    let dotId: string
    let dot: DotRecord | null = null
    if (op === 'add') {
      if (mine.length >= vote.dots) return refuse(refusal('no-dots-left', { limit: vote.dots }, 'all dots placed'))
      dot = {
        id: `dot:${randomId()}` as DotRecord['id'],
        typeName: 'dot',
        voteId: vote.id,
        sealed: this.votes.seal(target, this.votes.pseudonym(vote.id, session.voterKey)),
        meta: {},
      }
      dotId = dot.id
    } else {
      const taken = mine.findLast((d) => d.target === target)
      if (!taken) return this.tellDots(session, vote)
      dotId = taken.dotId
    }
    try {
      const offset = await this.write({ [dotId]: dot ? ['put', dot as unknown as UnknownRecord] : ['remove'] })
      this.votes.wrote(dotId, dot, offset)
    } catch (e) {
      this.log.error(`board ${boardTag(this.board.id)}: a dot could not be stored`, (e as Error).message)
    }
    this.tellDots(session, vote)
  }

  /** The session's voter's dots in a vote, wherever and whenever they were placed. */
  private dotsOf(session: Session, vote: VoteRecord) {
    return this.votes.dotsOf(vote.id, this.votes.pseudonym(vote.id, session.voterKey), this.state.records.values(), this.state.offset)
  }

  private tellDots(session: Session, vote: VoteRecord) {
    const mine = this.dotsOf(session, vote)
    const counts: Record<string, number> = {}
    for (const dot of mine) counts[dot.target] = (counts[dot.target] ?? 0) + 1
    session.socket.emit('dots', { voteId: vote.id, mine: counts, left: Math.max(0, vote.dots - mine.length) })
  }

  /** Once per spell and session: the client keeps its pushes and re-sends them every second. */
  private pause(session: Session, reason: 'storage' | 'slow-down') {
    if (session.paused === reason) return
    session.paused = reason
    session.socket.emit('saving', { paused: true, reason })
  }

  /** A push that will never be accepted as sent: the client rolls it back and says why. */
  private refuse(session: Session, seq: number, why: Refusal) {
    if (!this.strike(session)) return
    session.outbox.push({ kind: 'rejected', seq, refusal: why })
    this.requestAcks()
  }

  /**
   * Counts a refused message against the session; one refused too often is cut off. False when
   * it was cut off.
   */
  strike(session: Session): boolean {
    if (session.limits?.strike() ?? true) return true
    this.log.warn(`board ${boardTag(this.board.id)}: a client sent too many refused messages; disconnected`)
    session.socket.emit('fatal', { code: 'abuse', message: 'Too many refused messages: disconnected.' })
    this.leave(session)
    session.socket.disconnect(true)
    return false
  }

  /** The link `role`'s sessions came in by was replaced: they are told, and their connections end. */
  endSessions(role: Role) {
    for (const s of [...this.sessions]) {
      if (s.role !== role) continue
      s.socket.emit('fatal', { code: 'link-replaced', message: 'The link you came in by has been replaced.' })
      this.leave(s)
      s.socket.disconnect(true)
    }
  }

  // ─── Presence ───

  /** A presence record the transport has checked and stamped with the session's id; null when it leaves. */
  setPresence(session: Session, record: UnknownRecord | null) {
    if (!this.sessions.has(session)) return
    if (record === null) this.presence.leave(session)
    else this.presence.set(session, record)
  }

  /** A session's cursor moved: nothing else of its record changed. */
  movePresence(session: Session, move: OwnMove) {
    if (this.sessions.has(session)) this.presence.move(session, move)
  }

  onRemotePresence(news: PresenceNews) {
    this.presence.onRemote(news)
  }

  heartbeat(now = Date.now()) {
    this.presence.heartbeat(now)
  }

  // ─── Tail → fold → fan-out ───

  private onEntries(entries: LogEntry[]) {
    if (this.resyncing) return
    const fresh = entries.filter((e) => e.offset > this.state.offset)
    if (fresh.length > 0 && fresh[0].offset !== this.state.offset + 1) {
      void this.resync()
      return
    }
    for (const entry of fresh) {
      const key = `${entry.clientId} ${entry.seq}`
      const outcome = this.state.fold(entry, this.checkedHere.get(key) === entry.diff)
      this.checkedHere.delete(key)
      const folded: FoldedEntry = { entry, bytes: JSON.stringify(entry.diff).length }
      this.tailBytes += folded.bytes
      if ('refusal' in outcome) folded.refusal = outcome.refusal
      else if (outcome.adjusted.length > 0) folded.adjusted = outcome.adjusted
      this.catchUp.remember(folded)
      this.unsent.push(folded)
      for (const s of this.sessions) {
        if (s.writerId !== entry.clientId) continue
        s.outbox.push(ownEntry(folded))
        this.requestAcks()
        if (s.failedSeq !== null && entry.seq >= s.failedSeq) this.stored(s)
      }
    }
    this.scheduler.request()
    if (this.foldWaiters.length > 0) {
      const waiting = this.foldWaiters
      this.foldWaiters = waiting.filter((w) => w.offset > this.state.offset)
      for (const w of waiting) if (w.offset <= this.state.offset) w.resolve()
    }
    if (this.state.offset - this.lastSnapshotOffset >= this.compactEvery || this.tailBytes >= Math.max(TAIL_BYTES_MIN, this.state.bytes / 2))
      void this.compact()
    else if (fresh.length > 0 && !this.autoSnapshot) {
      this.autoSnapshot = setTimeout(() => {
        this.autoSnapshot = null
        if (this.state.offset > this.lastSnapshotOffset) void this.compact()
      }, this.autoSnapshotMs)
      this.autoSnapshot.unref()
    }
  }

  /**
   * Sends what happened since the last flush: one shared part, encoded once for the whole room
   * and broadcast to every session with nothing of its own in it; a session whose pushes are in
   * it gets its acks and refusals beside it, one sent some of it already (by its welcome, with its
   * acks) only the rest.
   */
  private flush() {
    this.presence.publish()
    const entries = this.unsent
    this.unsent = []
    const presence = this.presence.drain()
    if (entries.length === 0 && !presence && ![...this.sessions].some((s) => s.outbox.length > 0)) return
    const shared = entries.length > 0 || presence ? this.sharedPart(entries, presence) : undefined
    // Presence alone may be dropped under back-pressure (the next update supersedes it); entries
    // and departures never are.
    const droppable = entries.length === 0 && (presence?.remove.length ?? 0) === 0
    const alike: Session[] = []
    for (const s of this.sessions) {
      const ahead = entries.length > 0 && s.sentThrough >= entries[0].entry.offset
      if (!ahead && s.outbox.length === 0) {
        if (shared) alike.push(s)
        continue
      }
      const part = ahead ? this.sharedPart(entries, presence, s.sentThrough) : shared
      const frame: BatchFrame = {}
      if (part) frame.shared = part
      if (s.outbox.length > 0) frame.own = s.outbox.splice(0)
      if (frame.shared || frame.own) this.send([s], frame, droppable && !frame.own)
    }
    if (shared && alike.length > 0) this.send(alike, { shared }, droppable)
  }

  /**
   * Sends writers their acks and refusals as soon as they are known, not at the room's next
   * flush: an ack waits for its fsync, never for the tick that paces the fan-out to everyone.
   * With them goes what the writer has not been sent of the entries the flush will carry (its
   * acks stand in for its own), so its stream stays in order; the others get them at the flush.
   */
  private requestAcks() {
    this.acksDue ??= setImmediate(() => {
      this.acksDue = null
      const through = this.unsent.at(-1)?.entry.offset ?? 0
      for (const s of this.sessions) {
        if (s.outbox.length === 0) continue
        const frame: BatchFrame = { own: s.outbox.splice(0) }
        if (through > s.sentThrough) {
          const part = this.sharedPart(this.unsent, null, s.sentThrough)
          if (part) frame.shared = part
          s.sentThrough = through
        }
        this.send([s], frame, false)
      }
    })
  }

  private send(sessions: Session[], frame: BatchFrame, droppable: boolean) {
    try {
      this.fanOut(
        sessions.map((s) => s.socket),
        frame,
        droppable
      )
    } catch (e) {
      // This runs on a timer: a throw here would end the process. The sessions resync from a
      // fresh welcome, which they get by reconnecting.
      this.log.error(`board ${boardTag(this.board.id)}: could not send a batch; disconnecting its clients`, (e as Error).message)
      for (const s of sessions) {
        this.leave(s)
        s.socket.disconnect(true)
      }
    }
  }

  private sharedPart(entries: FoldedEntry[], presence: PresenceUpdate | null, after = 0): SharedBatch | undefined {
    const fresh = entries.filter((e) => e.entry.offset > after)
    if (fresh.length === 0 && !presence) return undefined
    return {
      ...(fresh.length > 0 ? { entries: fresh.map(sharedEntry) } : {}),
      ...(presence ? { presence } : {}),
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
        this.log.error(`board ${boardTag(this.board.id)}: reload failed, retrying`, (e as Error).message)
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
    this.catchUp.forget()
    this.checkedHere.clear()
    this.unsent = []
    this.lastSnapshotOffset = this.state.offset
    this.resyncing = false
    this.unsubscribe = this.storage.subscribe(this.board.id, this.state.offset, (e) => this.onEntries(e))
    for (const s of this.sessions) {
      s.outbox.length = 0
      s.socket.emit('welcome', this.welcomeFor(s, null, Date.now()))
      s.sentThrough = this.state.offset
    }
  }

  private compact(): Promise<void> {
    this.compaction ??= this.compactNow().finally(() => {
      this.compaction = null
    })
    return this.compaction
  }

  private async compactNow() {
    try {
      // What fails is left to the next load's repair; meanwhile the snapshot goes unstamped.
      this.state.check()
      const snapshot = this.state.snapshot()
      const bytes = this.tailBytes
      await this.storage.compact(this.board.id, snapshot, this.state.recordsJson())
      this.lastSnapshotOffset = snapshot.offset
      this.tailBytes -= bytes
    } catch (e) {
      this.log.error(`board ${boardTag(this.board.id)}: compaction failed`, (e as Error).message)
    }
  }

  /**
   * Compacts the entries folded since the last snapshot, if there are any and this room's share
   * of them weighs at least `minBytes`: the next load reads one snapshot instead of replaying them.
   */
  async compactTail(minBytes = 0) {
    await this.compaction
    if (this.resyncing || this.state.offset === this.lastSnapshotOffset || this.tailBytes < minBytes) return
    await this.compact()
  }

  close() {
    if (this.autoSnapshot) clearTimeout(this.autoSnapshot)
    if (this.acksDue) clearImmediate(this.acksDue)
    this.presence.close()
    this.unsubscribe?.()
    this.unsubscribe = null
    this.scheduler.cancel()
    for (const s of [...this.sessions]) s.socket.disconnect(true)
    this.sessions.clear()
  }
}
