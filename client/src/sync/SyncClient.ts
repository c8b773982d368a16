import {
  applyMove,
  applyRecordPatch,
  EV,
  foldDocDiff,
  MAX_SHAPE_NESTING,
  MAX_UNACKED_PUSHES,
  OWN_STILL_MS,
  PresenceOutbox,
  PROTOCOL_VERSION,
  schemaFingerprint,
  shapeContext,
  toDocDiff,
  type Adjustment,
  type BatchFrame,
  readBatch,
  readMoves,
  type ControlMessage,
  type ShapeContext,
  type DocDiff,
  type FatalCode,
  type FatalMessage,
  type PauseReason,
  type PresenceUpdate,
  type Refusal,
  type SavingMessage,
  type ServerMessages,
  serverMessageValidators,
  validationMessage,
  type WelcomeMessage,
  type WireEntry,
  welcomeRecords,
} from '@opificio/shared'
import { react, type Signal } from '@tldraw/state'
import { reverseRecordsDiff, squashRecordDiffs, type RecordId, type RecordsDiff, type Store, type UnknownRecord } from '@tldraw/store'
import { clockOffset } from './clockOffset.ts'
import { onUserEdit } from './onUserEdit.ts'
import { storeSource } from './storeSource.ts'
import { Throttle } from './throttle.ts'

/** The slice of a Socket.IO client socket the sync client uses. */
export interface SyncSocket {
  readonly connected: boolean
  emit(event: string, payload: unknown): unknown
  on(event: string, listener: (payload: never) => void): unknown
  off(event?: string): unknown
  connect(): unknown
  disconnect(): unknown
}

export type ConnectionState = 'connecting' | 'online' | 'offline' | 'reload' | 'not-found' | 'error'

export interface SyncState {
  connection: ConnectionState
  /** Changes made here that the server has not yet acknowledged. */
  unconfirmed: number
  /** The server cannot store changes right now; they are kept and re-sent. */
  savingPaused: boolean
  /** Why: the server's storage, or this client sending faster than the server accepts. */
  pauseReason?: PauseReason
  /** Why the server ended the session, when it did: the screen says it in the reader's language. */
  fatalCode?: FatalCode
}

export interface SyncClientOptions {
  store: Store<UnknownRecord>
  socket: SyncSocket
  boardId: string
  /** The secret of the link this page was opened by: it decides the role, on the server. */
  token?: string
  clientId: string
  /** This user's presence record, sent (throttled) whenever it changes. */
  presence?: Signal<UnknownRecord | null>
  onWelcome?(welcome: WelcomeMessage): void
  onState?(state: SyncState): void
  /** A change of this user's the server refused: it has been rolled back here. */
  onRejected?(refusal: Refusal): void
  /**
   * A change of this user's was applied, but the fold had to change or leave out some of it
   * because of what others did meanwhile (see Adjustment); the document here already shows it.
   */
  onAdjusted?(adjustments: Adjustment[]): void
  /** A change of this user's is durable at this log offset. */
  onAcknowledged?(seq: number, offset: number): void
  /** Edits an earlier page under the same clientId left unconfirmed: re-sent after the welcome. */
  restored?: UnconfirmedEdits
  pushIntervalMs?: number
  presenceIntervalMs?: number
  resendWhilePausedMs?: number
}

export interface PendingPush {
  seq: number
  diff: DocDiff
}

/** What the server has not confirmed yet, in a form that outlives the page. */
export interface UnconfirmedEdits {
  /** The seq the next push takes: every seq below it may already be in the log. */
  nextSeq: number
  pending: PendingPush[]
  /** Local changes not yet pushed under any seq. */
  unsent: DocDiff | null
}

class OutOfOrder extends Error {}

const EMPTY = (): RecordsDiff<UnknownRecord> => ({ added: {}, updated: {}, removed: {} })
const SCHEMA = schemaFingerprint()
/**
 * Pushes in a row before the interval holds them back: a drag sampled as often as the interval
 * goes out as it comes, not each sample late by however late the first went. The server's budget
 * per connection is twice the rate and more than this burst.
 */
const PUSH_BURST = 2

/**
 * Keeps a tldraw store in step with a board's log. Local changes apply at once and are pushed;
 * entries from the server, in log order, are applied under them: undo what is still
 * unconfirmed, fold the entries, redo what is still unconfirmed (a rebase).
 */
export class SyncClient {
  /** The last log offset folded into the confirmed document. */
  lastOffset: number | null = null
  private readonly pending: PendingPush[] = []
  private unsent: RecordsDiff<UnknownRecord> | null = null
  /** For shapes in `unsent` inside a group or frame: where this user saw them (see ShapeContext). */
  private readonly contexts = new Map<string, ShapeContext>()
  /** Everything local on top of the confirmed document, as one diff (to undo it for a rebase). */
  private speculative: RecordsDiff<UnknownRecord> = EMPTY()
  private nextSeq = 1
  private joined = false
  private stopped = false
  private state: SyncState = { connection: 'connecting', unconfirmed: 0, savingPaused: false }
  private readonly pushThrottle: Throttle
  private readonly presenceThrottle: Throttle
  private readonly presenceOutbox = new PresenceOutbox()
  private presenceStill: ReturnType<typeof setTimeout> | undefined
  private resendTimer: ReturnType<typeof setInterval> | null = null
  private readonly disposers: (() => void)[] = []
  private readonly opts: Required<Pick<SyncClientOptions, 'pushIntervalMs' | 'presenceIntervalMs' | 'resendWhilePausedMs'>> & SyncClientOptions

  constructor(opts: SyncClientOptions) {
    this.opts = { pushIntervalMs: 33, presenceIntervalMs: 50, resendWhilePausedMs: 1000, ...opts }
    this.pushThrottle = new Throttle(this.opts.pushIntervalMs, () => this.flushUnsent(), PUSH_BURST)
    this.presenceThrottle = new Throttle(this.opts.presenceIntervalMs, () => this.sendPresenceNow())
    const { store, socket } = opts
    if (opts.restored) this.restore(opts.restored)
    this.disposers.push(store.listen(({ changes }) => this.onLocalChange(changes), { source: 'user', scope: 'document' }))
    // Woken as the change is made, the push flushes the store's history, so the listener above
    // has collected the change by the time it is sent.
    this.disposers.push(onUserEdit(store, () => this.schedulePush()))
    socket.on('connect', () => this.sendHello())
    socket.on('disconnect', (reason: string) => this.onDisconnect(reason))
    this.receive('welcome', (w) => this.guard(() => this.onWelcome(w)))
    this.receive('batch', (b) => this.guard(() => this.onBatch(b)))
    this.receive('fatal', (f) => this.onFatal(f))
    this.receive('saving', (s) => this.onSaving(s))
    this.receive('refused', (r) => this.opts.onRejected?.(r.refusal))
    if (opts.presence) this.watchPresence(opts.presence)
    if (socket.connected) this.sendHello()
  }

  /**
   * The server's clock minus this device's, measured at the last welcome (ms): what a countdown
   * set by the server needs to agree on every screen, whatever the phones' clocks say.
   */
  clockOffsetMs = 0
  /** This page's own presence record's id on the server, which batches carry with everyone else's. */
  private presenceId: string | null = null
  /** When the hello the next welcome answers was sent; null when a welcome comes unasked. */
  private helloSentAt: number | null = null

  /** A facilitator's control of the session; the server decides whether this page may. Not kept while offline. */
  control(message: ControlMessage) {
    this.send(EV.control, message)
  }

  get syncState(): SyncState {
    return this.state
  }

  private restore({ nextSeq, pending, unsent }: UnconfirmedEdits) {
    this.nextSeq = nextSeq
    this.pending.push(...pending)
    // The unsent diff comes back as a DocDiff, which cannot be turned back into the store diff
    // `unsent` holds (its patches lack the records they patch); it was never pushed under any
    // seq, so it becomes the push that takes the next one.
    if (unsent) this.pending.push({ seq: this.nextSeq++, diff: unsent })
    this.setState({})
  }

  /** A copy of what is unconfirmed, including local changes the store has not reported yet. */
  unconfirmedEdits(): UnconfirmedEdits {
    this.opts.store._flushHistory()
    // Converted as `flushUnsent` would push it, so the restored push is the same one.
    return { nextSeq: this.nextSeq, pending: [...this.pending], unsent: this.unsent && toDocDiff(this.unsent, this.contextOf) }
  }

  private setState(patch: Partial<SyncState>) {
    this.state = { ...this.state, ...patch, unconfirmed: this.pending.length + (this.unsent ? 1 : 0) }
    this.opts.onState?.(this.state)
  }

  /** Never lets Socket.IO buffer a message while offline: what matters is re-sent after the next welcome. */
  private send(event: string, payload: unknown) {
    if (this.opts.socket.connected) this.opts.socket.emit(event, payload)
  }

  private sendHello() {
    if (this.stopped) return
    this.setState({ connection: 'connecting' })
    this.helloSentAt = Date.now()
    this.opts.socket.emit(EV.hello, {
      protocol: PROTOCOL_VERSION,
      schema: SCHEMA,
      boardId: this.opts.boardId,
      token: this.opts.token,
      clientId: this.opts.clientId,
      lastOffset: this.lastOffset,
    })
  }

  private onDisconnect(reason?: string) {
    this.joined = false
    this.stopResending()
    this.clearRemotePresence()
    if (this.stopped) return
    this.setState({ connection: 'offline', savingPaused: false })
    // Socket.IO retries by itself after a network loss, but not when the server closed the
    // connection (a restart or deploy): then the board must still come back on its own.
    if (reason === 'io server disconnect') {
      setTimeout(
        () => {
          if (!this.stopped && !this.opts.socket.connected) this.opts.socket.connect()
        },
        500 + Math.random() * 1000
      )
    }
  }

  private onLocalChange(changes: RecordsDiff<UnknownRecord>) {
    this.speculative = squashRecordDiffs([this.speculative, changes])
    this.unsent = this.unsent ? squashRecordDiffs([this.unsent, changes]) : changes
    this.noteContexts(changes)
    this.setState({})
  }

  /**
   * Where this user saw each shape they added or moved, taken as they made the change: by the
   * time it is pushed, a rebase may already have removed the frame it went into.
   */
  private noteContexts(changes: RecordsDiff<UnknownRecord>) {
    const source = storeSource(this.opts.store)
    const get = (id: string) => source.get(id) as (UnknownRecord & { parentId?: string }) | undefined
    for (const record of [...Object.values(changes.added), ...Object.values(changes.updated).map(([, to]) => to)]) {
      if (record.typeName !== 'shape') continue
      const context = shapeContext(record, get, MAX_SHAPE_NESTING)
      if (context) this.contexts.set(record.id, context)
      else this.contexts.delete(record.id)
    }
  }

  private schedulePush() {
    if (this.joined) this.pushThrottle.request()
  }

  private flushUnsent() {
    this.opts.store._flushHistory()
    if (!this.joined || !this.unsent || this.pending.length >= MAX_UNACKED_PUSHES) return
    const diff = toDocDiff(this.unsent, this.contextOf)
    this.unsent = null
    this.contexts.clear()
    if (diff) {
      const push = { seq: this.nextSeq++, diff }
      this.pending.push(push)
      this.pushThrottle.sent()
      this.send(EV.push, push)
    }
    this.setState({})
  }

  /**
   * Listens for one server message, checked against the protocol's validator first. A message
   * that breaks it (a server of another version, a proxy mangling frames) is not applied: it
   * could leave this copy of the board different from everyone's. The client resyncs instead.
   */
  private receive<E extends keyof ServerMessages>(event: E, handle: (message: ServerMessages[E]) => void) {
    this.opts.socket.on(event, (raw: unknown) => {
      let message: ServerMessages[E]
      try {
        message = serverMessageValidators[event].validate(raw)
      } catch (e) {
        console.error(`opificio: the server sent a malformed ${event}; resyncing`, validationMessage(e))
        return this.resync()
      }
      handle(message)
    })
  }

  /** A message that does not fit what we have (a gap in offsets) means we resync from scratch. */
  private guard(fn: () => void) {
    try {
      fn()
    } catch (e) {
      if (!(e instanceof OutOfOrder)) throw e
      this.resync()
    }
  }

  private resync() {
    this.lastOffset = null
    this.joined = false
    this.opts.socket.disconnect()
    this.opts.socket.connect()
  }

  private onWelcome(welcome: WelcomeMessage) {
    this.clockOffsetMs = clockOffset(welcome, Date.now(), this.helloSentAt)
    this.helloSentAt = null
    const records = welcomeRecords(welcome)
    // A page restored from an older copy of its edits may have pushed past what that copy says:
    // a seq the log has seen would be taken for a duplicate, so numbering resumes after it.
    this.nextSeq = Math.max(this.nextSeq, welcome.settledSeq + 1)
    if (records) {
      // Settled by the document, with no ack of their own: what the fold did to them is told here.
      const told = new Map((welcome.told ?? []).map((e) => [e.seq, e]))
      for (let i = this.pending.length - 1; i >= 0; i--) {
        if (this.pending[i].seq > welcome.settledSeq) continue
        const [settled] = this.pending.splice(i, 1)
        const entry = told.get(settled.seq)
        if (entry?.kind === 'rejected') this.opts.onRejected?.(entry.refusal)
        else if (entry?.adjusted?.length) this.opts.onAdjusted?.(entry.adjusted)
      }
    }
    this.rebase(() => {
      if (records) this.replaceDocument(records)
      else this.applyEntries(welcome.entries ?? [])
      this.lastOffset = welcome.offset
    })
    this.presenceId = welcome.presenceId
    this.replacePresence(welcome.presence.filter((r) => r.id !== this.presenceId))
    this.joined = true
    this.setState({ connection: 'online', savingPaused: false })
    this.opts.onWelcome?.(welcome)
    for (const push of this.pending) this.send(EV.push, push)
    this.flushUnsent()
    // A new session on the server: it has nothing of this page's presence yet.
    this.presenceOutbox.reset()
    this.sendPresenceNow()
  }

  private onBatch(frame: BatchFrame) {
    if (!this.joined) return
    const batch = readBatch(frame, this.presenceId)
    if (batch.entries?.length) this.rebase(() => this.applyEntries(batch.entries!))
    if (batch.presence) this.applyPresence(batch.presence)
    // What waited for a push to be settled goes now.
    if (this.unsent) this.schedulePush()
    this.setState({})
  }

  /** Undo local changes, run `confirmed` (which moves the confirmed document on), redo what is still local. */
  private rebase(confirmed: () => void) {
    const { store } = this.opts
    // Listeners run on the next frame: local changes not yet reported must join `speculative`
    // now, or the undo below would miss them.
    store._flushHistory()
    store.mergeRemoteChanges(() => {
      store.applyDiff(reverseRecordsDiff(this.speculative), { runCallbacks: false })
      this.speculative = EMPTY()
      try {
        confirmed()
      } finally {
        const redo = store.extractingChanges(() => {
          for (const push of this.pending) this.fold(push.diff)
          const unsent = this.unsent && toDocDiff(this.unsent, this.contextOf)
          if (unsent) this.fold(unsent)
        })
        this.speculative = store.filterChangesByScope(redo, 'document') ?? EMPTY()
      }
    })
  }

  private applyEntries(entries: WireEntry[]) {
    for (const entry of entries) {
      if (entry.offset !== undefined && this.lastOffset !== null) {
        if (entry.offset <= this.lastOffset) continue
        if (entry.offset !== this.lastOffset + 1) throw new OutOfOrder(`expected ${this.lastOffset + 1}, got ${entry.offset}`)
      }
      switch (entry.kind) {
        case 'change':
          this.fold(entry.diff)
          break
        case 'noop':
          break
        case 'ack': {
          const own = this.settle(entry.seq)
          if (!own) throw new OutOfOrder(`acknowledged push ${entry.seq} is not pending here`)
          this.fold(own.diff)
          this.opts.onAcknowledged?.(own.seq, entry.offset)
          if (entry.adjusted?.length) this.opts.onAdjusted?.(entry.adjusted)
          break
        }
        case 'rejected':
          this.settle(entry.seq)
          this.opts.onRejected?.(entry.refusal)
          break
      }
      if (entry.offset !== undefined) this.lastOffset = entry.offset
    }
  }

  /** Takes a push of this client's out of the pending ones: the log has decided its fate. */
  private settle(seq: number): PendingPush | undefined {
    const index = this.pending.findIndex((p) => p.seq === seq)
    return index >= 0 ? this.pending.splice(index, 1)[0] : undefined
  }

  /**
   * The same fold the server ran: a rejected diff changes nothing here either. tldraw's side
   * effects stay off: what they would do to a remote change (free an arrow end, dissolve a group)
   * the fold has done already, the same way everywhere, and an editor doing it again on its own
   * would change the document here and nowhere else. Local edits keep them: made in the editor.
   * This tab's own state (the page shown, a selection of shapes now gone) is mended by the store's
   * integrity check, which mergeRemoteChanges runs after every rebase.
   */
  private fold(diff: DocDiff) {
    const result = foldDocDiff(storeSource(this.opts.store), diff)
    if (result.ok) this.opts.store.applyDiff(result.changes, { runCallbacks: false })
  }

  private readonly contextOf = (record: UnknownRecord) => this.contexts.get(record.id)

  private replaceDocument(records: UnknownRecord[]) {
    const { store } = this.opts
    const incoming = new Set(records.map((r) => r.id))
    const stale = [...storeSource(store).all()].filter((r) => !incoming.has(r.id))
    // Side effects off, as in fold: the document is the server's, to be taken as it is.
    store.applyDiff(
      { added: Object.fromEntries(records.map((r) => [r.id, r])), updated: {}, removed: Object.fromEntries(stale.map((r) => [r.id, r])) },
      { runCallbacks: false }
    )
  }

  private onFatal(fatal: FatalMessage) {
    if (fatal.code === 'slow-down') {
      // The server is shedding a crowd of reconnections: come back later, edits kept meanwhile.
      this.opts.socket.disconnect()
      setTimeout(
        () => {
          if (!this.stopped && !this.opts.socket.connected) this.opts.socket.connect()
        },
        (fatal.retryAfterMs ?? 5000) * (1 + Math.random())
      )
      return
    }
    const connection: ConnectionState = fatal.code === 'reload' ? 'reload' : fatal.code === 'not-found' ? 'not-found' : 'error'
    this.stop()
    console.error(`opificio: the server ended the session (${fatal.code}): ${fatal.message}`)
    this.setState({ connection, fatalCode: fatal.code })
  }

  private onSaving({ paused, reason }: SavingMessage) {
    const wasPaused = this.state.savingPaused
    this.setState({ savingPaused: paused, pauseReason: paused ? reason : undefined })
    if (!paused) {
      this.stopResending()
      // While paused the server dropped what came after the push it stopped at; it may resume
      // without that push coming from here again (it turned out stored), so everything still
      // unconfirmed goes once more, in order. What it already has, it takes for a duplicate.
      if (wasPaused && this.joined) for (const push of this.pending) this.send(EV.push, push)
      return
    }
    this.resendTimer ??= setInterval(() => {
      if (!this.joined) return
      for (const push of this.pending) this.send(EV.push, push)
    }, this.opts.resendWhilePausedMs)
  }

  private stopResending() {
    if (this.resendTimer) clearInterval(this.resendTimer)
    this.resendTimer = null
  }

  // Presence: never in the document, never in the log; dropped whenever the connection is.

  private watchPresence(presence: Signal<UnknownRecord | null>) {
    this.disposers.push(
      react('send presence', () => {
        presence.get()
        this.schedulePresence()
      })
    )
  }

  private schedulePresence() {
    if (this.joined) this.presenceThrottle.request()
  }

  private sendPresenceNow(whole = false) {
    const record = this.opts.presence?.get()
    if (!this.joined || record === undefined) return
    this.presenceThrottle.sent()
    const message = this.presenceOutbox.next(record, Date.now(), whole)
    this.send(EV.presence, message)
    clearTimeout(this.presenceStill)
    // A move goes with the record the server last had whole: should that one not have arrived,
    // the record whole once the cursor stops leaves others seeing it where it stopped.
    if ('move' in message) this.presenceStill = setTimeout(() => this.sendPresenceNow(true), OWN_STILL_MS)
  }

  private remotePresenceIds(): string[] {
    return this.opts.store
      .allRecords()
      .filter((r) => r.typeName === 'instance_presence')
      .map((r) => r.id)
  }

  private applyPresence(update: PresenceUpdate) {
    const { store } = this.opts
    store.mergeRemoteChanges(() => {
      const gone = update.remove.filter((id) => store.has(id as RecordId<UnknownRecord>))
      if (gone.length) store.remove(gone as never)
      if (update.put.length) store.put(update.put as never)
      // A patch to a record this page never got (its frame was dropped) waits for the record whole.
      const patched = (update.changed ?? []).flatMap(({ id, patch }) => {
        const record = store.get(id as RecordId<UnknownRecord>)
        return record ? [applyRecordPatch(record, patch)] : []
      })
      for (const move of readMoves(update.moved ?? [])) {
        const record = store.get(move.id as RecordId<UnknownRecord>)
        if (record) patched.push(applyMove(record, move))
      }
      if (patched.length) store.put(patched as never)
    })
  }

  private replacePresence(records: UnknownRecord[]) {
    const keep = new Set<string>(records.map((r) => r.id))
    this.applyPresence({ put: records, remove: this.remotePresenceIds().filter((id) => !keep.has(id)) })
  }

  private clearRemotePresence() {
    this.applyPresence({ put: [], remove: this.remotePresenceIds() })
  }

  stop() {
    this.stopped = true
    this.joined = false
    this.pushThrottle.cancel()
    this.presenceThrottle.cancel()
    clearTimeout(this.presenceStill)
    this.stopResending()
    this.opts.socket.disconnect()
  }

  dispose() {
    this.stop()
    for (const d of this.disposers.splice(0)) d()
    this.opts.socket.off()
  }
}
