/**
 * Runs `send` at most once per interval: at once when the last send is old enough, otherwise
 * when it will be. Requests made while one is scheduled join it.
 */
export class Throttle {
  private timer: ReturnType<typeof setTimeout> | null = null
  private lastSentAt = 0

  constructor(
    private readonly intervalMs: number,
    private readonly send: () => void
  ) {}

  request() {
    if (this.timer) return
    const wait = Math.max(0, this.intervalMs - (Date.now() - this.lastSentAt))
    this.timer = setTimeout(() => {
      this.timer = null
      this.send()
    }, wait)
  }

  /** Called by whoever sends, scheduled or not, so the interval counts from the real last send. */
  sent() {
    this.lastSentAt = Date.now()
  }

  cancel() {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
