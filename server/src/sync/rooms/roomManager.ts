import type { Role } from '@opificio/shared'
import type { StorageEngine } from '../../storage/types.ts'
import type { RevocationBus } from './revocationBus.ts'
import { Room, type RoomOptions } from './room.ts'

export interface RoomManagerOptions extends RoomOptions {
  idleUnloadMs?: number
  heartbeatMs?: number
  /** Other nodes serving the same boards, told when a link is replaced; absent on a single node. */
  revocations?: RevocationBus
}

/** A board whose log since its last snapshot holds more than this is compacted as the server stops. */
const RESTART_TAIL_BYTES = 256 * 1024

/** Loads each board's room once, and unloads it a while after its last session left. */
export class RoomManager {
  private readonly rooms = new Map<string, Promise<Room>>()
  private readonly idleTimers = new Map<string, NodeJS.Timeout>()

  private readonly stopBus: (() => void) | null = null
  private readonly stopRevocations: (() => void) | null = null
  private readonly heartbeat: NodeJS.Timeout | null = null

  constructor(
    readonly storage: StorageEngine,
    private readonly opts: RoomManagerOptions = {}
  ) {
    this.stopRevocations = opts.revocations?.subscribe((r) => this.endSessions(r.boardId, r.role)) ?? null
    const bus = opts.bus
    if (!bus) return
    this.stopBus = bus.subscribe((news) => {
      void this.rooms.get(news.boardId)?.then(
        (room) => room.onRemotePresence(news),
        () => undefined
      )
    })
    this.heartbeat = setInterval(() => {
      for (const room of this.rooms.values())
        void room.then(
          (r) => r.heartbeat(),
          () => undefined
        )
    }, opts.heartbeatMs ?? 5000)
    this.heartbeat.unref()
  }

  /** Boards loaded on this node (opificio_boards_open). */
  get size(): number {
    return this.rooms.size
  }

  /** The board's room, or null for a board that does not exist. */
  async get(boardId: string): Promise<Room | null> {
    this.cancelIdle(boardId)
    let room = this.rooms.get(boardId)
    if (!room) {
      const meta = await this.storage.getBoard(boardId)
      if (!meta) return null
      room = this.rooms.get(boardId) ?? Room.load(meta, this.storage, this.opts)
      this.rooms.set(boardId, room)
      room.catch(() => this.rooms.delete(boardId))
    }
    return room
  }

  /**
   * A role link of the board was replaced: the sessions that came in by it end, on this node and
   * on every other, at once. Their old token opens nothing any more.
   */
  revoke(boardId: string, role: Role) {
    this.endSessions(boardId, role)
    this.opts.revocations?.publish({ boardId, role })
  }

  private endSessions(boardId: string, role: Role) {
    void this.rooms.get(boardId)?.then(
      (room) => room.endSessions(role),
      () => undefined
    )
  }

  /** Called when a session leaves: an empty room is unloaded after a grace period. */
  released(room: Room) {
    if (room.sessions.size > 0) return
    const id = room.board.id
    this.cancelIdle(id)
    this.idleTimers.set(
      id,
      setTimeout(() => {
        this.idleTimers.delete(id)
        if (room.sessions.size > 0) return
        this.rooms.delete(id)
        room.close()
        // The board at rest as one snapshot: the next load reads it, and the kept history has the
        // board as it was left.
        void room.compactTail()
      }, this.opts.idleUnloadMs ?? 60_000)
    )
  }

  private cancelIdle(boardId: string) {
    const t = this.idleTimers.get(boardId)
    if (t) clearTimeout(t)
    this.idleTimers.delete(boardId)
  }

  async close() {
    this.stopBus?.()
    this.stopRevocations?.()
    if (this.heartbeat) clearInterval(this.heartbeat)
    for (const t of this.idleTimers.values()) clearTimeout(t)
    this.idleTimers.clear()
    const rooms = (await Promise.all([...this.rooms.values()].map((r) => r.catch(() => null)))).filter((r) => r !== null)
    this.rooms.clear()
    for (const room of rooms) room.close()
    // A few boards at a time, each written and synced: only those whose log since their last
    // snapshot would make the first join after a restart wait, so that stopping stays quick.
    const next = async (): Promise<void> => {
      const room = rooms.pop()
      if (!room) return
      await room.compactTail(RESTART_TAIL_BYTES)
      return next()
    }
    await Promise.all([next(), next(), next(), next()])
  }
}
