import type { PendingRecord, PendingStore } from './pendingStore.ts'

/**
 * Holds the lock `name` for this page until `release` is called, waiting while another page of
 * this origin holds it; null if `signal` aborts first. A page that closes or crashes lets go.
 */
export type ClaimLock = (name: string, signal: AbortSignal) => Promise<(() => void) | null>

export const webLocks: ClaimLock = (name, signal) =>
  new Promise((resolve) => {
    navigator.locks
      .request(name, { signal }, () => new Promise<void>((release) => resolve(release)))
      .catch(() => resolve(null))
  })

/** The key this page writes under, and the edits an earlier page left under it (if any). */
export interface Writer {
  clientId: string
  restored: PendingRecord | null
  release(): void
}

/**
 * How long a stored record's lock is waited for. A reloading page's lock goes a moment after its
 * document does, so the new page must wait a little; a tab that is still open holds it for good.
 */
export const CLAIM_WAIT_MS = 1000

const lockName = (clientId: string) => `opificio-writer:${clientId}`

/**
 * Picks the key this page pushes under. A key is held by one page at a time (two pages with one
 * key would number their pushes over each other and lose some as duplicates): this page adopts a
 * stored record whose lock it gets, so its edits are re-sent; otherwise it takes a fresh key.
 */
export async function claimWriter(boardId: string, store: PendingStore, lock: ClaimLock, freshKey: () => string): Promise<Writer> {
  const records = await store.list(boardId)
  const stop = new AbortController()
  const timer = setTimeout(() => stop.abort(), CLAIM_WAIT_MS)
  let adopted = null as Writer | null
  // All at once: a record held by a live tab must not hold up one that is free.
  await Promise.all(
    records.map(async (record) => {
      const release = await lock(lockName(record.clientId), stop.signal)
      if (!release) return
      if (adopted) return release()
      adopted = { clientId: record.clientId, restored: record, release }
      stop.abort()
    })
  )
  clearTimeout(timer)
  if (adopted) return adopted
  const clientId = freshKey()
  const release = await lock(lockName(clientId), new AbortController().signal)
  return { clientId, restored: null, release: release! }
}
