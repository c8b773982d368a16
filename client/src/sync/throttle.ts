/**
 * Runs `send` at most once per interval on average: right after the request's task while there
 * is credit (a microtask, as a timer of 0 ms waited 4 to 13 ms behind a busy page's other tasks),
 * otherwise when there will be credit. Each send spends a credit; credit comes back at one per
 * interval, up to `burst`. With a burst of 1 a send waits out the interval since the last one. A
 * larger burst lets changes that come about as often as the interval (a drag sampled at 30 Hz)
 * go at once though some come a little early, where a strict interval would hold each of them
 * back by however late the first one went. Requests made while one is scheduled join it.
 */
export class Throttle {
  /** The scheduled send; a cancelled one is no longer this. */
  private scheduled: { timer?: ReturnType<typeof setTimeout> } | null = null
  /** The credit, in milliseconds: a send costs an interval of it. */
  private credit: number
  private creditAt = 0

  constructor(
    private readonly intervalMs: number,
    private readonly send: () => void,
    private readonly burst = 1
  ) {
    this.credit = burst * intervalMs
  }

  private refill() {
    const now = Date.now()
    this.credit = Math.min(this.burst * this.intervalMs, this.credit + now - this.creditAt)
    this.creditAt = now
  }

  request() {
    if (this.scheduled) return
    this.refill()
    const scheduled: { timer?: ReturnType<typeof setTimeout> } = {}
    this.scheduled = scheduled
    const fire = () => {
      if (this.scheduled !== scheduled) return
      this.scheduled = null
      this.send()
    }
    const wait = this.intervalMs - this.credit
    if (wait > 0) scheduled.timer = setTimeout(fire, wait)
    else queueMicrotask(fire)
  }

  /** Called by whoever sends, scheduled or not, so that every real send spends its credit. */
  sent() {
    this.refill()
    this.credit = Math.max(0, this.credit - this.intervalMs)
  }

  cancel() {
    clearTimeout(this.scheduled?.timer)
    this.scheduled = null
  }
}
