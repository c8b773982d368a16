import type { HelloMessage, Role } from '@opificio/shared'
import type { Room } from './rooms/room.ts'
import type { RoomManager } from './rooms/roomManager.ts'

/** What a link opens: one board's room, with the role its holder has there. */
export interface Access {
  room: Room
  role: Role
}

/**
 * The access step of the inbound pipeline: a hello's board and link token → the board and the
 * role. Today every link is a participant link (the board id is the secret); role links, whose
 * tokens name a role, are checked here and nowhere else. Null when there is no such board.
 */
export async function accessFor(hello: HelloMessage, rooms: RoomManager): Promise<Access | null> {
  const room = await rooms.get(hello.boardId)
  if (!room) return null
  return { room, role: 'participant' }
}
