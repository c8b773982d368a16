import { boardSchema, createInitialRecords, normalizeBoardTitle, participantPath, type BoardMeta, type CreatedBoard } from '@opificio/shared'
import { randomBytes } from 'node:crypto'
import type { StorageEngine } from '../storage/types.ts'

/** 128 random bits: a board's id is also its participant link, so it must not be guessable. */
export function newBoardId() {
  return randomBytes(16).toString('base64url')
}

/** Where a board id sits inside free text (a file path, a Redis key): 22 characters, the last carrying 2 bits. */
export const BOARD_ID_IN_TEXT = /(?<![\w-])[\w-]{21}[AQgw](?![\w-])/g

export async function createBoard(storage: StorageEngine, title: string): Promise<CreatedBoard> {
  const meta: BoardMeta = { id: newBoardId(), title: normalizeBoardTitle(title), createdAt: new Date().toISOString() }
  await storage.createBoard(meta, {
    offset: 0,
    records: createInitialRecords(meta.title),
    clientSeqs: {},
    schema: boardSchema.serialize(),
  })
  return { ...meta, links: { participant: participantPath(meta.id) } }
}
