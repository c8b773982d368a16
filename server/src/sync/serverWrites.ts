import { checkDocDiff, type DocDiff } from '@opificio/shared'
import type { StorageEngine } from '../storage/types.ts'

/**
 * Names the server's own log entries are written under. Never a client's: those are digests
 * (writerIdentity), which contain no colon.
 */
export type ServerWriterId = `server:${string}` | `operator:${string}`

let lastSeq = 0

/**
 * The next seq of the server's own entries: increasing in this process and past any earlier
 * process's (it counts microseconds), so storage's (writer, seq) dedupe never drops one. Each
 * node writes under its own writer id, so two nodes never share a seq sequence.
 */
export function nextServerSeq(now = Date.now()): number {
  lastSeq = Math.max(lastSeq + 1, now * 1000)
  return lastSeq
}

/**
 * Appends a change in the server's own name (a vote tally, a phase change, a restore), through the
 * same sequencer as every push: it is ordered like any edit and reaches every client and node
 * through the tail. Whether a board's room is loaded here does not matter. Resolves with its
 * offset once durable. The change is checked like a client's, so a server bug never writes garbage.
 */
export async function appendAsServer(storage: StorageEngine, boardId: string, writer: ServerWriterId, diff: DocDiff): Promise<number> {
  const checked = checkDocDiff(diff)
  if (!checked.ok) throw new Error(`the server refused its own change to board ${boardId}: ${checked.refusal.detail}`)
  const result = await storage.append(boardId, { clientId: writer, seq: nextServerSeq(), diff: checked.diff })
  if (result.duplicate) throw new Error(`a server entry was taken for a duplicate (writer ${writer})`)
  return result.offset
}
