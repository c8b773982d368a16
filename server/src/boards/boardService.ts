import { boardSchema, createInitialRecords, participantPath, type BoardMeta, type CreatedBoard } from '@opificio/shared'
import { randomBytes } from 'node:crypto'
import type { StorageEngine } from '../storage/types.ts'

/** 128 random bits: a board's id is also its participant link, so it must not be guessable. */
export function newBoardId() {
  return randomBytes(16).toString('base64url')
}

export async function createBoard(storage: StorageEngine, title: string): Promise<CreatedBoard> {
  const meta: BoardMeta = { id: newBoardId(), title: title.trim(), createdAt: new Date().toISOString() }
  await storage.createBoard(meta, {
    offset: 0,
    records: createInitialRecords(meta.title),
    clientSeqs: {},
    schema: boardSchema.serialize(),
  })
  return { ...meta, links: { participant: participantPath(meta.id) } }
}
