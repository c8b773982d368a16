import type { LogEntry, Unsubscribe } from './types.ts'

interface Subscriber {
  /** The last offset this subscriber has been given (its `after` until the first delivery). */
  delivered: number
  onEntries(entries: LogEntry[]): void
}

/**
 * The subscribers of one board's log, and the one rule of delivering to them: each is given
 * every entry after the last offset it has had, in offset order, each once. Engines call
 * `deliver` with what they hold (every entry after their snapshot, or what a tail read returned),
 * as often as they like: what a subscriber has already had is never given to it again.
 */
export class Subscribers {
  private readonly subs = new Set<Subscriber>()

  get size(): number {
    return this.subs.size
  }

  /**
   * Adds a subscriber that has had everything up to `after`. It is given nothing here: the
   * engine catches it up with its next `deliver`. The returned function removes it.
   */
  add(after: number, onEntries: (entries: LogEntry[]) => void): Unsubscribe {
    const sub: Subscriber = { delivered: after, onEntries }
    this.subs.add(sub)
    return () => {
      this.subs.delete(sub)
    }
  }

  /**
   * Gives each subscriber the entries it has not had yet. `entries` must be in offset order.
   * A subscriber that throws has still had its entries (they are not given again), and the
   * others are still served; the first error is then thrown to the engine.
   */
  deliver(entries: readonly LogEntry[]): void {
    if (entries.length === 0) return
    let failure: { error: unknown } | null = null
    for (const sub of this.subs) {
      const fresh = entries.filter((e) => e.offset > sub.delivered)
      if (fresh.length === 0) continue
      sub.delivered = fresh.at(-1)!.offset
      try {
        sub.onEntries(fresh)
      } catch (error) {
        failure ??= { error }
      }
    }
    if (failure) throw failure.error
  }

  /** The lowest offset every subscriber has had: where a reader must read after. Infinity with none. */
  lowestDelivered(): number {
    let lowest = Infinity
    for (const sub of this.subs) lowest = Math.min(lowest, sub.delivered)
    return lowest
  }

  clear(): void {
    this.subs.clear()
  }
}
