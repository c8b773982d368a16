import type { PendingRecord, PendingStore } from './pendingStore.ts'

/**
 * Holds the lock `name` for this page until `release` is called, waiting while another page of
 * this origin holds it; null if `signal` aborts first. A page that closes or crashes lets go.
 */
export type ClaimLock = (name: string, signal: AbortSignal) => Promise<(() => void) | null>

export const webLocks: ClaimLock = (name, signal) =>
  new Promise((resolve) => {
    navigator.locks.request(name, { signal }, () => new Promise<void>((release) => resolve(release))).catch(() => resolve(null))
  })

/**
 * Where Web Locks are missing (plain HTTP on a town hall's network is not a secure context), a
 * lock is a lease in localStorage that its holder renews: a page that closes lets it go at once
 * (`release` on pagehide), one that crashes lets it lapse after LEASE_MS.
 */
export const LEASE_MS = 2000

export function storageLeases(storage: Storage, now: () => number = Date.now): ClaimLock {
  const owner = Math.random().toString(36).slice(2)
  const read = (name: string): { owner: string; at: number } | null => {
    try {
      return JSON.parse(storage.getItem(name) ?? 'null') as { owner: string; at: number } | null
    } catch {
      return null
    }
  }
  const write = (name: string) => storage.setItem(name, JSON.stringify({ owner, at: now() }))
  return (name, signal) =>
    new Promise((resolve) => {
      const attempt = () => {
        if (signal.aborted) return resolve(null)
        const lease = read(name)
        if (lease && lease.owner !== owner && now() - lease.at < LEASE_MS) return void setTimeout(attempt, 100)
        write(name)
        // Two pages may write at once: the one whose write stands after a moment holds the lease.
        setTimeout(() => {
          if (read(name)?.owner !== owner) return attempt()
          const renew = setInterval(() => read(name)?.owner === owner && write(name), LEASE_MS / 4)
          resolve(() => {
            clearInterval(renew)
            if (read(name)?.owner === owner) storage.removeItem(name)
          })
        }, 50)
      }
      attempt()
    })
}

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
export async function claimWriter(
  boardId: string,
  store: PendingStore,
  lock: ClaimLock,
  freshKey: () => string,
  waitMs = CLAIM_WAIT_MS
): Promise<Writer> {
  const records = await store.list(boardId)
  const stop = new AbortController()
  const timer = setTimeout(() => stop.abort(), waitMs)
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
