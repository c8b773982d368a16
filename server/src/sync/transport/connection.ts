import type { FatalMessage, HelloMessage } from '@opificio/shared'
import type { Socket } from 'socket.io'
import type { ConnectionLimits } from '../../limits/inboundLimits.ts'
import type { Logger } from '../../observability/logger.ts'
import { boardTag } from '../../storage/boardTag.ts'
import { accessFor } from '../access.ts'
import type { Room } from '../rooms/room.ts'
import type { RoomManager } from '../rooms/roomManager.ts'
import type { Session } from '../rooms/session.ts'
import { voterIdentity, writerIdentity } from '../writerIdentity.ts'

export interface Joined {
  room: Room
  session: Session
}

/** One socket: the board its hello joined, if any. A connection is on one board at a time. */
export class Connection {
  joined: Joined | null = null
  /** A later hello supersedes one still loading its room, so no session is left behind. */
  private hellos = 0

  constructor(
    private readonly socket: Socket,
    readonly limits: ConnectionLimits,
    private readonly rooms: RoomManager,
    private readonly logger: Logger
  ) {}

  fatal(message: FatalMessage) {
    this.socket.emit('fatal', message)
  }

  admitHello(): boolean {
    if (this.limits.hello()) return true
    this.fatal({ code: 'slow-down', message: 'Too many connection attempts: retrying shortly.', retryAfterMs: 5000 })
    this.socket.disconnect(true)
    return false
  }

  /** Access: the hello's board and link → a room and a role; then the session joins it. */
  async hello(hello: HelloMessage | 'reload') {
    if (hello === 'reload') return this.fatal({ code: 'reload', message: 'Opificio has been updated: reload the page.' })
    const helloAt = Date.now()
    this.leave()
    const attempt = ++this.hellos
    try {
      const access = await accessFor(hello, this.rooms)
      if (!access) return this.fatal({ code: 'not-found', message: 'This board does not exist.' })
      if (this.socket.disconnected || attempt !== this.hellos) return this.rooms.released(access.room)
      const identity = { writerId: writerIdentity(hello.boardId, hello.clientId), voterKey: voterIdentity(hello.boardId, hello.clientId) }
      this.joined = { room: access.room, session: access.room.join(this.socket, identity, hello.lastOffset, access.role, this.limits, helloAt) }
      this.logger.info('joined a board', { connection: this.socket.data.logId, board: boardTag(hello.boardId), role: access.role })
    } catch (e) {
      this.logger.error(`hello for board ${boardTag(hello.boardId)} failed`, (e as Error).message)
      this.socket.disconnect(true)
    }
  }

  leave() {
    if (!this.joined) return
    this.joined.room.leave(this.joined.session)
    this.rooms.released(this.joined.room)
    this.joined = null
  }
}
