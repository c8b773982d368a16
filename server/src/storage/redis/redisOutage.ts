import type Redis from 'ioredis'
import type { Logger } from '../../observability/logger.ts'

/**
 * Tells the log once that Redis went away and once that it is back, however many connections a
 * node holds and however often each retries meanwhile (every failed retry used to be a line:
 * hundreds a minute). `onError` still hears every error and every lost connection, for the metrics.
 */
export class RedisOutage {
  private readonly down = new Set<Redis>()
  private since: number | null = null
  private errors = 0

  constructor(
    private readonly logger: Logger,
    private readonly onError: () => void = () => undefined
  ) {}

  /** Back once no connection that failed is still trying: each is ready again, or ended. */
  private settle() {
    for (const c of this.down) if (c.status === 'ready' || c.status === 'end') this.down.delete(c)
    if (this.since === null || this.down.size > 0) return
    this.logger.info('Redis reachable again: saving resumes', { downSeconds: (Date.now() - this.since) / 1000, failedAttempts: this.errors })
    this.since = null
    this.errors = 0
  }

  private lost(connection: Redis, reason: string) {
    this.down.add(connection)
    if (this.since !== null) return
    this.since = Date.now()
    this.logger.error('Redis unreachable: saving is paused and clients keep their edits until it is back', { reason })
  }

  watch(connection: Redis) {
    connection.on('error', (e: Error) => {
      this.onError()
      this.errors++
      this.lost(connection, e.message)
    })
    // A Redis that stops cleanly closes its connections without an error, and may be back before
    // the first retry fails: that is an outage too.
    connection.on('reconnecting', () => {
      this.onError()
      this.lost(connection, 'connection closed')
    })
    connection.on('ready', () => this.settle())
    // A connection closed for good (a node stopping, a one-off check) is not waited for.
    connection.on('end', () => this.settle())
  }
}
