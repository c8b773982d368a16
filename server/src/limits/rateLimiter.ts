/**
 * Token buckets keyed by whatever is being limited (a connection, an address): `burst` tokens at
 * most, refilled at `perSecond`. Idle keys are forgotten so an attacker cycling keys costs memory
 * only for as long as their buckets are not full again.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  private lastSweep = 0

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number = Date.now
  ) {}

  /** Takes `cost` tokens from `key`'s bucket; false when there are not enough (nothing is taken then). */
  take(key: string, cost = 1): boolean {
    const now = this.now()
    this.sweep(now)
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond)
    bucket.at = now
    this.buckets.set(key, bucket)
    if (bucket.tokens < cost) return false
    bucket.tokens -= cost
    return true
  }

  /** Seconds until `key` has `cost` tokens again; 0 when it has them now. */
  retryAfter(key: string, cost = 1): number {
    const bucket = this.buckets.get(key)
    if (!bucket) return 0
    const tokens = Math.min(this.burst, bucket.tokens + ((this.now() - bucket.at) / 1000) * this.perSecond)
    return tokens >= cost ? 0 : Math.ceil((cost - tokens) / this.perSecond)
  }

  private sweep(now: number) {
    if (now - this.lastSweep < 10_000) return
    this.lastSweep = now
    const fullAfterMs = (this.burst / this.perSecond) * 1000
    for (const [key, b] of this.buckets) if (now - b.at > fullAfterMs) this.buckets.delete(key)
  }
}
