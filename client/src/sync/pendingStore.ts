import type { UnconfirmedEdits } from './SyncClient.ts'

/**
 * One page's unconfirmed edits on one board, kept on this device so that a reload, a closed tab
 * or a browser restart does not lose them. The clientId is the key the server deduplicates the
 * pushes under: a later page that adopts the record re-sends them under it, with their seqs, so
 * none is applied twice.
 */
export interface PendingRecord extends UnconfirmedEdits {
  boardId: string
  clientId: string
  /** When it was last written (ms since the epoch): the newest copy is adopted first. */
  savedAt: number
}

/** Where pending records are kept: IndexedDB in the browser, memory in tests. */
export interface PendingStore {
  /** Every record kept for the board, newest first. */
  list(boardId: string): Promise<PendingRecord[]>
  put(record: PendingRecord): Promise<void>
  delete(clientId: string): Promise<void>
}

export class MemoryPendingStore implements PendingStore {
  private readonly records = new Map<string, PendingRecord>()

  async list(boardId: string) {
    return [...this.records.values()]
      .filter((r) => r.boardId === boardId)
      .sort((a, b) => b.savedAt - a.savedAt)
      .map((r) => structuredClone(r))
  }

  async put(record: PendingRecord) {
    // Copied, as IndexedDB would: the caller's arrays go on changing.
    this.records.set(record.clientId, structuredClone(record))
  }

  async delete(clientId: string) {
    this.records.delete(clientId)
  }
}
