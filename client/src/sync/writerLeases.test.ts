import { describe, expect, it } from 'vitest'
import { LEASE_MS, storageLeases } from './writerClaim.ts'

/** localStorage as the pages of one origin share it. */
function sharedStorage(): Storage {
  const items = new Map<string, string>()
  return {
    get length() {
      return items.size
    },
    clear: () => items.clear(),
    getItem: (k) => items.get(k) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (k) => void items.delete(k),
    setItem: (k, v) => void items.set(k, v),
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('leases in localStorage, where Web Locks are missing (plain HTTP)', () => {
  it('lets one page hold a key at a time, and the next take it once released', async () => {
    const storage = sharedStorage()
    const pageA = storageLeases(storage)
    const pageB = storageLeases(storage)
    const releaseA = await pageA('opificio-writer:k', new AbortController().signal)
    expect(releaseA).not.toBeNull()
    const waitingB = pageB('opificio-writer:k', new AbortController().signal)
    let bHolds = false
    void waitingB.then(() => (bHolds = true))
    await sleep(300)
    expect(bHolds).toBe(false)
    releaseA!()
    const releaseB = await waitingB
    expect(releaseB).not.toBeNull()
    releaseB!()
  })

  it('gives up when asked to, and takes over a lease its holder stopped renewing (a crashed page)', async () => {
    const storage = sharedStorage()
    const held = await storageLeases(storage)('opificio-writer:k', new AbortController().signal)
    const stop = new AbortController()
    setTimeout(() => stop.abort(), 200)
    expect(await storageLeases(storage)('opificio-writer:k', stop.signal)).toBeNull()
    held!()
    storage.setItem('opificio-writer:k', JSON.stringify({ owner: 'crashed', at: Date.now() - LEASE_MS - 1 }))
    expect(await storageLeases(storage)('opificio-writer:k', new AbortController().signal)).not.toBeNull()
  })

  it('of two pages asking at once, exactly one holds the key', async () => {
    const storage = sharedStorage()
    const stop = new AbortController()
    const results = await Promise.all([
      storageLeases(storage)('opificio-writer:k', stop.signal),
      storageLeases(storage)('opificio-writer:k', stop.signal),
      sleep(600).then(() => {
        stop.abort()
        return null
      }),
    ])
    const holders = results.slice(0, 2).filter((r) => r !== null)
    expect(holders).toHaveLength(1)
    holders[0]!()
  })
})
