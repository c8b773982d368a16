import { ROLES, type Role } from '@opificio/shared'
import { createHash, timingSafeEqual } from 'node:crypto'
import type { BoardAccess, StorageEngine } from '../storage/types.ts'
import { newBoardAccess, newSealKey } from './boardService.ts'

const digest = (token: string) => createHash('sha256').update(token).digest()

/**
 * The role a token opens on a board, or null. Every role's token is compared, each in constant
 * time over digests of equal length, so neither the time taken nor which comparison failed says
 * anything about a token.
 */
export function roleOf(access: BoardAccess, token: string | undefined): Role | null {
  if (token === undefined) return null
  const given = digest(token)
  let found: Role | null = null
  for (const role of ROLES) if (timingSafeEqual(digest(access[role]), given) && found === null) found = role
  return found
}

/**
 * A board's link tokens. A board made before role links has none: it gets them now, and its
 * links are then known only to an operator (`npm run links -- <boardId>`), since the board id no
 * longer opens anything.
 */
export async function accessOf(storage: StorageEngine, boardId: string): Promise<BoardAccess | null> {
  const access = await storage.getAccess(boardId)
  if (access) return access
  if (!(await storage.getBoard(boardId))) return null
  const made = newBoardAccess()
  await storage.setAccess(boardId, made)
  return made
}

/** The role `token` opens on the board, or null: an unknown board and a wrong token are not told apart. */
export async function roleOnBoard(storage: StorageEngine, boardId: string, token: string | undefined): Promise<Role | null> {
  if (token === undefined) return null
  const access = await accessOf(storage, boardId)
  return access ? roleOf(access, token) : null
}

/**
 * The key that seals the board's votes. A board given its links before votes existed gets one
 * now. Two nodes doing so at once could each make one; the later write wins, and dots sealed
 * with the other are counted as unreadable at the reveal, which the facilitator is told.
 */
export async function sealKeyOf(storage: StorageEngine, boardId: string): Promise<Buffer | null> {
  const access = await accessOf(storage, boardId)
  if (!access) return null
  if (access.sealKey) return Buffer.from(access.sealKey, 'base64url')
  const sealKey = newSealKey()
  await storage.setAccess(boardId, { ...access, sealKey })
  return Buffer.from(sealKey, 'base64url')
}
