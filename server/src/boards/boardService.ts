import {
  boardLink,
  boardSchema,
  createInitialRecords,
  normalizeBoardTitle,
  ROLES,
  type BoardLinks,
  type BoardMeta,
  type CreatedBoard,
  type Role,
} from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { randomBytes } from 'node:crypto'
import type { BoardAccess, StorageEngine } from '../storage/types.ts'

/** 128 random bits: not guessable, though it no longer grants anything by itself (the link tokens do). */
export function newBoardId() {
  return randomBytes(16).toString('base64url')
}

/** A link's secret: 128 random bits, 22 characters. */
export function newLinkToken() {
  return randomBytes(16).toString('base64url')
}

export function newBoardAccess(): BoardAccess {
  return { facilitator: newLinkToken(), participant: newLinkToken(), projector: newLinkToken(), sealKey: newSealKey() }
}

/** 256 random bits: the AES-GCM key that keeps a vote's dots unreadable until the reveal. */
export function newSealKey() {
  return randomBytes(32).toString('base64url')
}

/** Where a board id sits inside free text (a file path, a Redis key): 22 characters, the last carrying 2 bits. */
export const BOARD_ID_IN_TEXT = /(?<![\w-])[\w-]{21}[AQgw](?![\w-])/g

/** The links of `roles`, as absolute URLs on `origin`. */
export function linksOf(origin: string, boardId: string, access: BoardAccess, roles: readonly Role[] = ROLES): Partial<BoardLinks> {
  return Object.fromEntries(roles.map((role) => [role, boardLink(origin, boardId, access[role])]))
}

/**
 * A new board: empty (its first page named after it), or holding `records` (from a snapshot or an
 * imported file, already checked), less what belongs to another board's live session: its
 * session record and sealed dots.
 */
export async function createBoard(storage: StorageEngine, title: string, origin: string, records?: UnknownRecord[]): Promise<CreatedBoard> {
  const meta: BoardMeta = { id: newBoardId(), title: normalizeBoardTitle(title), createdAt: new Date().toISOString() }
  const access = newBoardAccess()
  const content = records ? records.filter((r) => r.typeName !== 'dot' && r.typeName !== 'session') : createInitialRecords(meta.title)
  await storage.createBoard(meta, { offset: 0, records: content, clientSeqs: {}, schema: boardSchema.serialize() }, access)
  return { ...meta, links: linksOf(origin, meta.id, access) as BoardLinks }
}
