/**
 * Undoes vandalism, as an operator: lists a board's kept snapshots, and brings the board back to
 * one of them by appending one entry through the board's own log, so every node and every open
 * browser sees the restore like any edit, and the restore itself can be undone the same way.
 *
 *   npm exec -- tsx server/src/operator/restore.ts <boardId>               lists the snapshots
 *   npm exec -- tsx server/src/operator/restore.ts <boardId> --to <offset>  restores one
 *
 * Uses the engine the server would (REDIS_URL and REDIS_PREFIX, or DATA_DIR). The embedded engine
 * is one process's: stop the server first. On Redis the nodes may stay up.
 */
import type { DocDiff } from '@opificio/shared'
import { boardDiff } from '../snapshots/boardDiff.ts'
import { boardTag } from '../storage/boardTag.ts'
import type { StorageEngine } from '../storage/types.ts'
import { BoardState } from '../sync/rooms/boardState.ts'
import { appendAsServer, type ServerWriterId } from '../sync/serverWrites.ts'
import { openOperatorStorage, runTool } from './operatorStorage.ts'

/** The name restores are logged under: never a client's (those are digests, see writerIdentity). */
export const OPERATOR_WRITER: ServerWriterId = 'operator:restore'

/** The change that turns the board as it is now into the snapshot at `offset`, or null if none. */
export async function restoreDiff(storage: StorageEngine, boardId: string, offset: number): Promise<DocDiff | null> {
  const snapshot = await storage.readSnapshot(boardId, offset)
  if (!snapshot) throw new Error(`board ${boardTag(boardId)} keeps no snapshot at offset ${offset}`)
  const { snapshot: latest, entries } = await storage.load(boardId)
  const now = new BoardState(latest, entries).records
  // Folded on its own, so an older schema's snapshot is migrated the way a load would.
  const then = new BoardState({ ...snapshot, clientSeqs: {} }, []).records
  return boardDiff(now, then)
}

/** Appends the restore to the board's log; returns the offset it took, or null if nothing changed. */
export async function restoreBoard(storage: StorageEngine, boardId: string, offset: number): Promise<number | null> {
  const diff = await restoreDiff(storage, boardId, offset)
  if (!diff) return null
  return appendAsServer(storage, boardId, OPERATOR_WRITER, diff)
}

async function main(args: string[]) {
  const [boardId, flag, to] = args
  if (!boardId || (flag !== undefined && (flag !== '--to' || !/^\d+$/.test(to ?? '')))) {
    console.error('usage: restore.ts <boardId> [--to <offset>]')
    return 2
  }
  const storage = await openOperatorStorage()
  try {
    if (!(await storage.getBoard(boardId))) {
      console.error(`no board ${boardTag(boardId)}`)
      return 1
    }
    if (flag === undefined) {
      for (const s of await storage.listSnapshots(boardId)) {
        const snapshot = await storage.readSnapshot(boardId, s.offset)
        const shapes = snapshot?.records.filter((r) => r.typeName === 'shape').length ?? 0
        console.log(`offset ${s.offset}\t${s.takenAt ? new Date(s.takenAt).toISOString() : 'time unknown'}\t${shapes} shapes`)
      }
      return 0
    }
    const at = await restoreBoard(storage, boardId, Number(to))
    console.log(at === null ? 'the board already is as in that snapshot' : `restored: the board is as at offset ${to} again (entry ${at} of its log)`)
    return 0
  } finally {
    await storage.close()
  }
}

runTool(import.meta.url, main)
