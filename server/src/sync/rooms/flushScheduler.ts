/**
 * Coalesces fan-out without adding idle latency: when quiet, the flush runs at the end of the
 * current event-loop turn; when busy, at most once per tick (`tickMs()`, which may change with
 * the room). Presence alone asks for a lazy
 * flush, at most once per `lazyMs()`: every flush is one send to every client, and cursors moving
 * in a full room would otherwise keep the room flushing every tick; edits flush at the next tick
 * whatever presence is waiting, and take the waiting presence with them.
 */
export class FlushScheduler {
  private lastFlush = Number.NEGATIVE_INFINITY
  /** The last flush an edit asked for: edits are paced by it alone, never by presence's flushes. */
  private lastUrgentFlush = Number.NEGATIVE_INFINITY
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null
  /** When the scheduled flush runs (performance.now()), and whether an edit asked for it. */
  private due = Number.POSITIVE_INFINITY
  private urgent = false

  constructor(
    private readonly flush: () => void,
    private readonly tickMs: () => number = () => 8,
    private readonly lazyMs: () => number = tickMs
  ) {}

  request(lazy = false) {
    const now = performance.now()
    const tick = this.tickMs()
    const at = lazy ? Math.max(now, this.lastFlush + Math.max(tick, this.lazyMs())) : Math.max(now, this.lastUrgentFlush + tick)
    if (this.timer && this.due <= at) {
      this.urgent ||= !lazy
      return
    }
    this.cancel()
    this.due = at
    this.urgent = !lazy
    this.timer = at <= now ? setImmediate(this.run) : setTimeout(this.run, at - now)
  }

  private run = () => {
    this.timer = null
    this.due = Number.POSITIVE_INFINITY
    this.lastFlush = performance.now()
    if (this.urgent) this.lastUrgentFlush = this.lastFlush
    this.urgent = false
    this.flush()
  }

  cancel() {
    if (!this.timer) return
    clearTimeout(this.timer as NodeJS.Timeout)
    clearImmediate(this.timer as NodeJS.Immediate)
    this.timer = null
    this.due = Number.POSITIVE_INFINITY
    this.urgent = false
  }
}
