import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Throttle } from './throttle.ts'
import { useFakeTimers } from './fakeTimers.ts'

const INTERVAL = 100

/** A throttle whose send records the (fake) time and, as SyncClient's senders do, reports itself sent. */
function throttle(burst?: number) {
  const sentAt: number[] = []
  const t: Throttle = new Throttle(
    INTERVAL,
    () => {
      sentAt.push(Date.now())
      t.sent()
    },
    burst
  )
  return { t, sentAt }
}

beforeEach(() => {
  useFakeTimers()
  vi.setSystemTime(new Date('2026-01-01T00:00:00Z'))
})

afterEach(() => {
  vi.useRealTimers()
})

describe('Throttle', () => {
  it('sends at once (right after the requesting task, before any timer) when nothing was sent recently', () => {
    const { t, sentAt } = throttle()
    const now = Date.now()
    t.request()
    expect(sentAt).toEqual([])
    vi.runAllTicks()
    expect(sentAt).toEqual([now])
  })

  it('joins requests made while a send is scheduled into that send', () => {
    const { t, sentAt } = throttle()
    t.request()
    t.request()
    vi.advanceTimersByTime(0)
    t.request()
    vi.advanceTimersByTime(10)
    t.request()
    t.request()
    vi.advanceTimersByTime(1_000)
    expect(sentAt).toHaveLength(2)
  })

  it('waits out the rest of the interval after a send, and no longer', () => {
    const { t, sentAt } = throttle()
    t.request()
    vi.advanceTimersByTime(0)
    const first = sentAt[0]

    vi.advanceTimersByTime(30)
    t.request()
    vi.advanceTimersByTime(INTERVAL - 30 - 1)
    expect(sentAt).toEqual([first])
    vi.advanceTimersByTime(1)
    expect(sentAt).toEqual([first, first + INTERVAL])
  })

  it('sends at once again once a whole interval has passed', () => {
    const { t, sentAt } = throttle()
    t.request()
    vi.advanceTimersByTime(0)
    vi.advanceTimersByTime(INTERVAL + 50)
    const now = Date.now()
    t.request()
    vi.advanceTimersByTime(0)
    expect(sentAt).toHaveLength(2)
    expect(sentAt[1]).toBe(now)
  })

  it('counts the interval from a send made outside the throttle, reported through sent()', () => {
    const { t, sentAt } = throttle()
    const outside = Date.now()
    t.sent()
    vi.advanceTimersByTime(40)
    t.request()
    vi.advanceTimersByTime(INTERVAL - 40 - 1)
    expect(sentAt).toEqual([])
    vi.advanceTimersByTime(1)
    expect(sentAt).toEqual([outside + INTERVAL])
  })

  it('cancel drops the scheduled send, and later requests are scheduled afresh', () => {
    const { t, sentAt } = throttle()
    t.request()
    t.cancel()
    vi.advanceTimersByTime(1_000)
    expect(sentAt).toEqual([])

    const now = Date.now()
    t.request()
    vi.advanceTimersByTime(0)
    expect(sentAt).toEqual([now])
  })

  it('cancel with nothing scheduled is harmless', () => {
    const { t, sentAt } = throttle()
    t.cancel()
    t.request()
    vi.advanceTimersByTime(0)
    expect(sentAt).toHaveLength(1)
  })

  it('with a burst of 2, sends a stream as frequent as the interval at once, though some requests come early', () => {
    const { t, sentAt } = throttle(2)
    const requestedAt: number[] = []
    // Every interval on average, each request up to 20 ms early or late.
    for (const jitter of [0, -20, 15, -10, 20, -20, 0, 5, -15, 10]) {
      vi.advanceTimersByTime(INTERVAL + jitter)
      requestedAt.push(Date.now())
      t.request()
      vi.advanceTimersByTime(0)
    }
    expect(sentAt).toEqual(requestedAt)
  })

  it('with a burst of 2, holds a flood to one send per interval once the credit is spent', () => {
    const { t, sentAt } = throttle(2)
    const start = Date.now()
    for (let ms = 0; ms < 10 * INTERVAL; ms += 5) {
      t.request()
      vi.advanceTimersByTime(5)
    }
    // Two at once, then one per interval.
    expect(sentAt.map((at) => at - start)).toEqual([0, 5, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
  })
})
