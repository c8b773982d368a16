import { RateLimiter } from './rateLimiter.ts'

/** Rates are per second; `burst` is what may arrive at once after a quiet spell. */
export interface Rate {
  perSecond: number
  burst: number
}

export interface InboundLimitOptions {
  /** Open Socket.IO connections from one address (a town hall's whole Wi-Fi may be one address). */
  connectionsPerAddress: number
  hellosPerConnection: Rate
  hellosPerAddress: Rate
  pushesPerConnection: Rate
  pushesPerAddress: Rate
  pushBytesPerConnection: Rate
  /** Records touched by pushes: a paste of a big diagram is a burst, filling a board is not. */
  pushRecordsPerConnection: Rate
  presencePerConnection: Rate
  presencePerAddress: Rate
  /** Bytes of everything a connection sends, parsed or not: past it the connection is cut. */
  bytesPerConnection: Rate
  /** Refused messages a connection may send before it is taken for abusive and disconnected. */
  strikes: Rate
}

/**
 * Sized so that no honest client meets them: the client sends at most ~30 pushes and 20
 * presence updates a second, and a whole room of 200 behind one NAT reconnects at once.
 */
export const DEFAULT_INBOUND_LIMITS: InboundLimitOptions = {
  connectionsPerAddress: 400,
  hellosPerConnection: { perSecond: 1, burst: 5 },
  hellosPerAddress: { perSecond: 20, burst: 500 },
  pushesPerConnection: { perSecond: 60, burst: 300 },
  pushesPerAddress: { perSecond: 1500, burst: 6000 },
  pushBytesPerConnection: { perSecond: 2 * 1024 * 1024, burst: 16 * 1024 * 1024 },
  pushRecordsPerConnection: { perSecond: 1000, burst: 10_000 },
  presencePerConnection: { perSecond: 40, burst: 80 },
  presencePerAddress: { perSecond: 6000, burst: 12_000 },
  bytesPerConnection: { perSecond: 8 * 1024 * 1024, burst: 48 * 1024 * 1024 },
  strikes: { perSecond: 20, burst: 400 },
}

const limiter = (r: Rate) => new RateLimiter(r.perSecond, r.burst)

/** The node's budgets for what clients send, per connection and per address. */
export class InboundLimits {
  readonly options: InboundLimitOptions
  readonly buckets
  private readonly connections = new Map<string, number>()
  private nextId = 0

  constructor(options: Partial<InboundLimitOptions> = {}) {
    const o = (this.options = { ...DEFAULT_INBOUND_LIMITS, ...options })
    this.buckets = {
      hellosPerConnection: limiter(o.hellosPerConnection),
      hellosPerAddress: limiter(o.hellosPerAddress),
      pushesPerConnection: limiter(o.pushesPerConnection),
      pushesPerAddress: limiter(o.pushesPerAddress),
      pushBytesPerConnection: limiter(o.pushBytesPerConnection),
      pushRecordsPerConnection: limiter(o.pushRecordsPerConnection),
      presencePerConnection: limiter(o.presencePerConnection),
      presencePerAddress: limiter(o.presencePerAddress),
      bytesPerConnection: limiter(o.bytesPerConnection),
      strikes: limiter(o.strikes),
    }
  }

  /** A new connection from `address`, or null when that address has too many open already. */
  connect(address: string): ConnectionLimits | null {
    const open = this.connections.get(address) ?? 0
    if (open >= this.options.connectionsPerAddress) return null
    this.connections.set(address, open + 1)
    return new ConnectionLimits(this, address, `${++this.nextId}`, () => {
      const left = (this.connections.get(address) ?? 1) - 1
      if (left <= 0) this.connections.delete(address)
      else this.connections.set(address, left)
    })
  }
}

/** One connection's share of the node's budgets. */
export class ConnectionLimits {
  private closed = false
  private readonly b: InboundLimits['buckets']
  private readonly maxPushBytes: number
  private readonly maxPushRecords: number
  private readonly maxBytes: number

  constructor(
    node: InboundLimits,
    readonly address: string,
    readonly id: string,
    private readonly release: () => void
  ) {
    this.b = node.buckets
    this.maxPushBytes = node.options.pushBytesPerConnection.burst
    this.maxPushRecords = node.options.pushRecordsPerConnection.burst
    this.maxBytes = node.options.bytesPerConnection.burst
  }

  hello() {
    return this.b.hellosPerConnection.take(this.id) && this.b.hellosPerAddress.take(this.address)
  }

  /** One push of `records` records, `bytes` long; one larger than a whole burst costs a whole burst. */
  push(records: number, bytes: number) {
    return (
      this.b.pushesPerConnection.take(this.id) &&
      this.b.pushRecordsPerConnection.take(this.id, Math.min(records, this.maxPushRecords)) &&
      this.b.pushBytesPerConnection.take(this.id, Math.min(bytes, this.maxPushBytes)) &&
      this.b.pushesPerAddress.take(this.address)
    )
  }

  presence() {
    return this.b.presencePerConnection.take(this.id) && this.b.presencePerAddress.take(this.address)
  }

  /** Counts what arrived on the wire; false once the connection sends more than anyone honest could. */
  received(bytes: number) {
    return this.b.bytesPerConnection.take(this.id, Math.min(bytes, this.maxBytes))
  }

  /** Counts a refused message; false once the connection has been refused so often it is abusing. */
  strike() {
    return this.b.strikes.take(this.id)
  }

  close() {
    if (this.closed) return
    this.closed = true
    this.release()
  }
}
