import type { StorageEngine } from '../../storage/types.ts'
import { Room, type RoomOptions } from './room.ts'

/** Loads each board's room once, and unloads it a while after its last session left. */
export class RoomManager {
  private readonly rooms = new Map<string, Promise<Room>>()
  private readonly idleTimers = new Map<string, NodeJS.Timeout>()

  private readonly stopBus: (() => void) | null = null
  private readonly heartbeat: NodeJS.Timeout | null = null

  constructor(
    private readonly storage: StorageEngine,
    private readonly opts: RoomOptions & { idleUnloadMs?: number; heartbeatMs?: number } = {}
  ) {
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
    if (this.heartbeat) clearInterval(this.heartbeat)
    for (const t of this.idleTimers.values()) clearTimeout(t)
    this.idleTimers.clear()
    for (const room of this.rooms.values()) (await room.catch(() => null))?.close()
    this.rooms.clear()
  }
}
