/**
 * Coalesces fan-out without adding idle latency: when quiet, the flush runs at the end of the
 * current event-loop turn; when busy, at most once per tick.
 */
export class FlushScheduler {
  private scheduled = false
  private lastFlush = 0
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null

  constructor(
    private readonly flush: () => void,
    private readonly tickMs = 8
  ) {}

  request() {
    if (this.scheduled) return
    this.scheduled = true
    const wait = this.tickMs - (performance.now() - this.lastFlush)
    this.timer = wait <= 0 ? setImmediate(this.run) : setTimeout(this.run, wait)
  }

  private run = () => {
    this.scheduled = false
    this.timer = null
    this.lastFlush = performance.now()
    this.flush()
  }

  cancel() {
    if (!this.timer) return
    clearTimeout(this.timer as NodeJS.Timeout)
    clearImmediate(this.timer as NodeJS.Immediate)
    this.timer = null
    this.scheduled = false
  }
}
