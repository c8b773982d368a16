import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FlushScheduler } from './flushScheduler.ts'

const TICK = 8

/** A scheduler whose flushes record the (fake) time they ran at. */
function scheduler() {
  const flushedAt: number[] = []
  const s = new FlushScheduler(
    () => flushedAt.push(performance.now()),
    () => TICK
  )
  return { s, flushedAt }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] })
  // cancel() clears its handle with both clearTimeout and clearImmediate. Node's clearTimeout
  // ignores an Immediate; the fake one throws on it, so it is given Node's behaviour back.
  // (useRealTimers puts the real clearTimeout back.)
  const fakeClearTimeout = globalThis.clearTimeout
  globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
    try {
      fakeClearTimeout(handle)
    } catch (e) {
      if (!/created with setImmediate/.test((e as Error).message)) throw e
    }
  }) as typeof clearTimeout
  // As in a process that has been running a while: the first flush is not held back by the clock's start.
  vi.advanceTimersByTime(1_000)
})

afterEach(() => {
  vi.useRealTimers()
})

describe('FlushScheduler', () => {
  it('when quiet, flushes at the end of the current turn, not synchronously and without waiting a tick', () => {
    const { s, flushedAt } = scheduler()
    const start = performance.now()
    s.request()
    expect(flushedAt).toEqual([])
    // Runs what is due without the clock moving at all.
    vi.advanceTimersByTime(0)
    expect(flushedAt).toEqual([start])
  })

  it('coalesces every request of one turn into one flush', () => {
    const { s, flushedAt } = scheduler()
    s.request()
    s.request()
    s.request()
    vi.advanceTimersByTime(100)
    expect(flushedAt).toHaveLength(1)
  })

  it('when busy, flushes at most once per tick, counted from the last flush', () => {
    const { s, flushedAt } = scheduler()
    s.request()
    vi.advanceTimersByTime(0)
    expect(flushedAt).toHaveLength(1)
    const first = flushedAt[0]

    vi.advanceTimersByTime(3)
    s.request()
    s.request()
    vi.advanceTimersByTime(TICK - 3 - 1)
    expect(flushedAt).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(flushedAt).toEqual([first, first + TICK])

    // Requests made while the second flush waited were folded into it.
    vi.advanceTimersByTime(100)
    expect(flushedAt).toHaveLength(2)
  })

  it('flushes at once again once a tick has passed since the last flush', () => {
    const { s, flushedAt } = scheduler()
    s.request()
    vi.advanceTimersByTime(0)
    vi.advanceTimersByTime(TICK + 5)
    const now = performance.now()
    s.request()
    vi.advanceTimersByTime(0)
    expect(flushedAt).toHaveLength(2)
    expect(flushedAt[1]).toBe(now)
  })

  it('lets a flush request the next one, a tick later', () => {
    const flushedAt: number[] = []
    let again = 2
    const s = new FlushScheduler(
      () => {
        flushedAt.push(performance.now())
        if (again-- > 0) s.request()
      },
      () => TICK
    )
    s.request()
    vi.advanceTimersByTime(100)
    expect(flushedAt).toHaveLength(3)
    expect(flushedAt[1] - flushedAt[0]).toBe(TICK)
    expect(flushedAt[2] - flushedAt[1]).toBe(TICK)
  })

  it('cancel drops a pending flush, whether waiting for the turn to end or for the tick', () => {
    const { s, flushedAt } = scheduler()
    s.request()
    s.cancel()
    vi.advanceTimersByTime(100)
    expect(flushedAt).toEqual([])

    s.request()
    vi.advanceTimersByTime(0)
    expect(flushedAt).toHaveLength(1)
    s.request()
    s.cancel()
    vi.advanceTimersByTime(100)
    expect(flushedAt).toHaveLength(1)
  })

  it('accepts requests again after a cancel', () => {
    const { s, flushedAt } = scheduler()
    s.request()
    s.cancel()
    s.request()
    vi.advanceTimersByTime(100)
    expect(flushedAt).toHaveLength(1)
  })

  it('holds presence alone to the lazy pace; an edit is paced by edits only, and takes waiting presence along', () => {
    const flushedAt: number[] = []
    const s = new FlushScheduler(
      () => flushedAt.push(performance.now()),
      () => TICK,
      () => 50
    )
    s.request(true)
    vi.advanceTimersByTime(0)
    expect(flushedAt).toHaveLength(1)
    const first = flushedAt[0]
    s.request(true)
    vi.advanceTimersByTime(49)
    expect(flushedAt).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(flushedAt).toEqual([first, first + 50])

    s.request(true)
    vi.advanceTimersByTime(3)
    // Presence flushed 3 ms ago: the edit does not wait for a tick after it.
    s.request()
    vi.advanceTimersByTime(0)
    expect(flushedAt).toEqual([first, first + 50, first + 53])
    // The edit's flush took the presence with it: nothing is left to flush.
    vi.advanceTimersByTime(200)
    expect(flushedAt).toHaveLength(3)
    // A second edit right after the first waits for the tick.
    s.request()
    vi.advanceTimersByTime(0)
    s.request()
    vi.advanceTimersByTime(TICK - 1)
    expect(flushedAt).toHaveLength(4)
    vi.advanceTimersByTime(1)
    expect(flushedAt).toHaveLength(5)
  })
})
