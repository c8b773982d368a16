import { performance } from 'node:perf_hooks'

/** Below this share of time busy, rooms flush at their own pace. */
const EASY = 0.6
/** At or above it, they flush at a quarter of it. */
const SATURATED = 0.95
const MOST = 4

/**
 * How much slower this process's rooms flush because its event loop is busy: 1 when it is at
 * ease, up to 4 when it is saturated. A flush is one write to every client of a room; when every
 * turn of the loop is taken, flushing less often, each flush carrying more, is what lets pushes
 * and acks through, where a fixed pace builds a queue without end (50 boards of 10 on one node
 * went seconds behind). Read from the loop's utilisation over the last quarter of a second.
 */
export class LoopPressure {
  private last = performance.eventLoopUtilization()
  private factor = 1
  private readonly timer = setInterval(() => this.sample(), 250)

  constructor() {
    this.timer.unref()
  }

  /** The multiplier for the rooms' flush paces. */
  stretch(): number {
    return this.factor
  }

  private sample() {
    const now = performance.eventLoopUtilization()
    this.factor = stretchFor(performance.eventLoopUtilization(now, this.last).utilization)
    this.last = now
  }

  close() {
    clearInterval(this.timer)
  }
}

export function stretchFor(utilization: number): number {
  if (utilization <= EASY) return 1
  return 1 + (MOST - 1) * Math.min(1, (utilization - EASY) / (SATURATED - EASY))
}
