import type { UnknownRecord } from '@tldraw/store'
import type { PresenceBus, PresenceNews } from './presenceBus.ts'
import type { Session } from './session.ts'

interface RemotePresence {
  record: UnknownRecord
  node: string
  seenAt: number
}

/**
 * Who is on a board and where their cursor is: people on this node, people on the other nodes
 * (through the bus, forgotten when their node goes quiet), and what each session here has yet to
 * be told. Ephemeral: never in the log, never stored.
 */
export class RoomPresence {
  private readonly local = new Map<string, UnknownRecord>()
  private readonly remote = new Map<string, RemotePresence>()
  /** Local changes not yet told to the other nodes. */
  private readonly out = { put: new Map<string, UnknownRecord>(), remove: new Set<string>() }

  constructor(
    private readonly boardId: string,
    private readonly sessions: ReadonlySet<Session>,
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
    this.tellOthers(session, id, record)
  }

  leave(session: Session) {
    const id = session.presenceId
    if (!this.local.delete(id)) return
    this.out.put.delete(id)
    this.out.remove.add(id)
    this.tellOthers(session, id, null)
  }

  /** Presence news from another node serving this board. */
  onRemote(news: PresenceNews, now = Date.now()) {
    const listed = new Set<string>()
    for (const record of news.put) {
      listed.add(record.id)
      this.remote.set(record.id, { record, node: news.node, seenAt: now })
      this.tellOthers(null, record.id, record)
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
    if (this.local.size > 0) this.bus?.publish({ boardId: this.boardId, put: [], remove: [...this.local.keys()] })
  }

  private dropRemote(id: string) {
    if (this.remote.delete(id)) this.tellOthers(null, id, null)
  }

  private tellOthers(except: Session | null, id: string, record: UnknownRecord | null) {
    for (const s of this.sessions) {
      if (s === except) continue
      if (record) {
        s.presenceRemove.delete(id)
        s.presencePut.set(id, record)
      } else {
        s.presencePut.delete(id)
        s.presenceRemove.add(id)
      }
    }
    this.changed()
  }
}
