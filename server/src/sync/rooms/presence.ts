import { applyOwnMove, type CursorMoves, cursorMove, diffRecord, type OwnMove, type PresencePatch, type PresenceUpdate } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import type { PresenceBus, PresenceNews } from './presenceBus.ts'
import type { Session } from './session.ts'

/**
 * How often a person's record goes out whole between patches, and how soon after it stops
 * changing. Presence alone may be dropped on its way to a client that cannot keep up (the next
 * update supersedes it); a patch it then gets may lack fields the dropped one changed, or name a
 * record it never had, and the record whole puts it right within this time, however still the
 * person then stays.
 */
export const WHOLE_PRESENCE_EVERY_MS = 2000
/** How long a patched record must have stood still before it goes out whole outside its period. */
export const STILL_PRESENCE_MS = 500

interface RemotePresence {
  record: UnknownRecord
  node: string
  seenAt: number
}

/**
 * Who is on a board and where their cursor is: people on this node, people on the other nodes
 * (through the bus, forgotten when their node goes quiet), and what the sessions here have yet
 * to be told: one change list for the whole room, sent to everyone alike at the next flush (each
 * client leaves out its own record), so a person's cursor costs the same however many watch it.
 * Ephemeral: never in the log, never stored.
 */
export class RoomPresence {
  private readonly local = new Map<string, UnknownRecord>()
  private readonly remote = new Map<string, RemotePresence>()
  /** Local changes not yet told to the other nodes. */
  private readonly out = { put: new Map<string, UnknownRecord>(), remove: new Set<string>() }
  /** Changes not yet told to the sessions here, local and remote: the latest record of each. */
  private readonly unsent = { put: new Map<string, UnknownRecord>(), remove: new Set<string>() }
  /** What the sessions here were last told of each record, and when they were last sent it whole. */
  private readonly told = new Map<string, { record: UnknownRecord; wholeAt: number; changedAt: number }>()
  /** Records sent whole so far: spreads their next whole sends (see drain). */
  private firstSends = 0
  /** Records whose latest state went out as a patch only since they were last sent whole. */
  private readonly patched = new Set<string>()
  /** Asks for a flush when patched records are due whole, should nothing else ask for one. */
  private wholeTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly boardId: string,
    /** Asks for a flush: presence goes out with the next batch. */
    private readonly changed: () => void,
    private readonly bus: PresenceBus | undefined,
    private readonly expiryMs: number
  ) {}

  /** Everyone present, for a welcome. */
  all(): UnknownRecord[] {
    return [...this.local.values(), ...[...this.remote.values()].map((p) => p.record)]
  }

  /** A session's presence, already checked and stamped with its server-made id. */
  set(session: Session, record: UnknownRecord) {
    const id = session.presenceId
    this.local.set(id, record)
    this.out.remove.delete(id)
    this.out.put.set(id, record)
    this.tell(id, record)
  }

  /**
   * A session's cursor moved. Ignored when this node has no record of it a move can go with: the
   * record it was made from was dropped, and the client sends its record whole again within
   * OWN_WHOLE_EVERY_MS.
   */
  move(session: Session, move: OwnMove) {
    const record = this.local.get(session.presenceId)
    const moved = record && applyOwnMove(record, move)
    if (moved) this.set(session, moved)
  }

  leave(session: Session) {
    const id = session.presenceId
    if (!this.local.delete(id)) return
    this.out.put.delete(id)
    this.out.remove.add(id)
    this.tell(id, null)
  }

  /** Presence news from another node serving this board. */
  onRemote(news: PresenceNews, now = Date.now()) {
    const listed = new Set<string>()
    for (const record of news.put) {
      listed.add(record.id)
      this.remote.set(record.id, { record, node: news.node, seenAt: now })
      this.tell(record.id, record)
    }
    for (const id of news.remove) this.dropRemote(id)
    for (const [id, p] of this.remote) {
      if (p.node !== news.node) continue
      p.seenAt = now
      if (news.full && !listed.has(id)) this.dropRemote(id)
    }
  }

  /** Tells the other nodes everything present here, and forgets nodes that went quiet. */
  heartbeat(now = Date.now()) {
    this.bus?.publish({ boardId: this.boardId, put: [...this.local.values()], remove: [], full: true })
    for (const [id, p] of this.remote) if (now - p.seenAt > this.expiryMs) this.dropRemote(id)
  }

  /**
   * What changed since the last flush, for every session here alike: a record new to them, or
   * not sent whole for a while, whole; otherwise only what changed in it, as a cursor move when
   * that is all that changed. A record only patched
   * since it was last sent whole, and now standing still, goes out whole when its period is up.
   * Null when there is nothing to send.
   */
  drain(now = Date.now()): PresenceUpdate | null {
    const { put, remove } = this.unsent
    const update: PresenceUpdate = { put: [], remove: [...remove] }
    const changed: PresencePatch[] = []
    const moved: CursorMoves = []
    const whole = (id: string, record: UnknownRecord, wholeAt: number) => {
      update.put.push(record)
      this.told.set(id, { record, wholeAt, changedAt: now })
      this.patched.delete(id)
    }
    for (const id of remove) {
      this.told.delete(id)
      this.patched.delete(id)
    }
    for (const [id, record] of put) {
      const told = this.told.get(id)
      if (!told) {
        // People arriving together would otherwise be sent whole together every time: one frame
        // of everyone's records in a room of 200, every few seconds, to each of them. Their
        // phases are spread over half the period instead.
        whole(id, record, now - (((this.firstSends++ * 137) % (WHOLE_PRESENCE_EVERY_MS / 2)) | 0))
      } else if (now - told.wholeAt >= WHOLE_PRESENCE_EVERY_MS) whole(id, record, now)
      else {
        const patch = diffRecord(told.record, record)
        const move = patch && cursorMove(told.record, record, patch)
        told.record = record
        if (patch) {
          if (move) moved.push(...move)
          else changed.push({ id, patch })
          told.changedAt = now
          this.patched.add(id)
        }
      }
    }
    // One still moving goes out whole with its next change once its period is up (above).
    for (const id of this.patched) {
      const told = this.told.get(id)!
      if (now - told.wholeAt >= WHOLE_PRESENCE_EVERY_MS && now - told.changedAt >= STILL_PRESENCE_MS) whole(id, told.record, now)
    }
    put.clear()
    remove.clear()
    if (this.patched.size > 0 && !this.wholeTimer) {
      this.wholeTimer = setTimeout(() => {
        this.wholeTimer = null
        this.changed()
      }, STILL_PRESENCE_MS)
      this.wholeTimer.unref()
    }
    if (changed.length > 0) update.changed = changed
    if (moved.length > 0) update.moved = moved
    return update.put.length > 0 || update.remove.length > 0 || changed.length > 0 || moved.length > 0 ? update : null
  }

  /** Sends the other nodes what changed here since the last flush. */
  publish() {
    if (this.bus && (this.out.put.size > 0 || this.out.remove.size > 0)) {
      this.bus.publish({ boardId: this.boardId, put: [...this.out.put.values()], remove: [...this.out.remove] })
    }
    this.out.put.clear()
    this.out.remove.clear()
  }

  /** The room is closing: the other nodes drop this node's people at once, not at expiry. */
  close() {
    if (this.wholeTimer) clearTimeout(this.wholeTimer)
    if (this.local.size > 0) this.bus?.publish({ boardId: this.boardId, put: [], remove: [...this.local.keys()] })
  }

  private dropRemote(id: string) {
    if (this.remote.delete(id)) this.tell(id, null)
  }

  private tell(id: string, record: UnknownRecord | null) {
    if (record) {
      this.unsent.remove.delete(id)
      this.unsent.put.set(id, record)
    } else {
      this.unsent.put.delete(id)
      this.unsent.remove.add(id)
    }
    this.changed()
  }
}
