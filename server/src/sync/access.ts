import type { HelloMessage, Role } from '@opificio/shared'
import { roleOnBoard } from '../boards/linkAccess.ts'
import type { Room } from './rooms/room.ts'
import type { RoomManager } from './rooms/roomManager.ts'

/** What a link opens: one board's room, with the role its holder has there. */
export interface Access {
  room: Room
  role: Role
}

/**
 * The access step of the inbound pipeline: a hello's board and link token → the board's room and
 * the role the token gives. Null when the token opens nothing on that board, or there is no such
 * board: the two are not told apart, so a board id alone says nothing about a board.
 */
export async function accessFor(hello: HelloMessage, rooms: RoomManager): Promise<Access | null> {
  const role = await roleOnBoard(rooms.storage, hello.boardId, hello.token)
  if (!role) return null
  const room = await rooms.get(hello.boardId)
  return room ? { room, role } : null
}
