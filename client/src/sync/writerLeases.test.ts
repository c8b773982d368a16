import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
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

/** A lease request whose outcome the test can look at without awaiting it. */
function track(request: Promise<(() => void) | null>) {
  const t = { settled: false, value: undefined as (() => void) | null | undefined }
  void request.then((v) => {
    t.settled = true
    t.value = v
  })
  return t
}

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('leases in localStorage, where Web Locks are missing (plain HTTP)', () => {
  it('lets one page hold a key at a time, and the next take it once released', async () => {
    const storage = sharedStorage()
    const pageA = storageLeases(storage)
    const pageB = storageLeases(storage)
    const a = track(pageA('opificio-writer:k', new AbortController().signal))
    await vi.advanceTimersByTimeAsync(100)
    expect(a.value).toEqual(expect.any(Function))

    const b = track(pageB('opificio-writer:k', new AbortController().signal))
    // A renews its lease: B waits however long A holds it, well past a lease's length.
    await vi.advanceTimersByTimeAsync(LEASE_MS * 3)
    expect(b.settled).toBe(false)
    a.value!()
    await vi.advanceTimersByTimeAsync(200)
    expect(b.value).toEqual(expect.any(Function))
    b.value!()
    expect(storage.length).toBe(0)
  })

  it('gives up when asked to, and takes over a lease its holder stopped renewing (a crashed page)', async () => {
    const storage = sharedStorage()
    const held = track(storageLeases(storage)('opificio-writer:k', new AbortController().signal))
    await vi.advanceTimersByTimeAsync(100)
    const stop = new AbortController()
    const waiting = track(storageLeases(storage)('opificio-writer:k', stop.signal))
    await vi.advanceTimersByTimeAsync(200)
    expect(waiting.settled).toBe(false)
    stop.abort()
    await vi.advanceTimersByTimeAsync(200)
    expect(waiting).toEqual({ settled: true, value: null })
    held.value!()

    // A page that crashed just now: its lease is still fresh, and then lapses.
    storage.setItem('opificio-writer:k', JSON.stringify({ owner: 'crashed', at: Date.now() }))
    const next = track(storageLeases(storage)('opificio-writer:k', new AbortController().signal))
    await vi.advanceTimersByTimeAsync(LEASE_MS - 1)
    expect(next.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(200)
    expect(next.value).toEqual(expect.any(Function))
  })

  it('of two pages asking at once, exactly one holds the key', async () => {
    const storage = sharedStorage()
    const stop = new AbortController()
    const asks = [track(storageLeases(storage)('opificio-writer:k', stop.signal)), track(storageLeases(storage)('opificio-writer:k', stop.signal))]
    await vi.advanceTimersByTimeAsync(600)
    stop.abort()
    await vi.advanceTimersByTimeAsync(200)
    expect(asks.every((a) => a.settled)).toBe(true)
    const holders = asks.filter((a) => a.value !== null)
    expect(holders).toHaveLength(1)
    holders[0].value!()
  })

  it('of two pages whose writes cross (each read before the other wrote), exactly one holds the key', async () => {
    const storage = sharedStorage()
    // Two tabs, two processes: both read the key as free, then both write it.
    let staleReads = 2
    const crossing: Storage = Object.assign(Object.create(storage) as Storage, {
      getItem: (k: string) => (staleReads-- > 0 ? null : storage.getItem(k)),
    })
    const stop = new AbortController()
    const asks = [track(storageLeases(crossing)('opificio-writer:k', stop.signal)), track(storageLeases(crossing)('opificio-writer:k', stop.signal))]
    await vi.advanceTimersByTimeAsync(600)
    stop.abort()
    await vi.advanceTimersByTimeAsync(200)
    expect(asks.every((a) => a.settled)).toBe(true)
    expect(asks.map((a) => a.value !== null)).toEqual([false, true])
    asks[1].value!()
  })
})
