import type Redis from 'ioredis'
import type { Logger } from '../../observability/logger.ts'

/**
 * Tells the log once that Redis went away and once that it is back, however many connections a
 * node holds and however often each retries meanwhile (every failed retry used to be a line:
 * hundreds a minute). `onError` still hears every error, for the metrics.
 */
export class RedisOutage {
  private readonly down = new Set<Redis>()
  private since: number | null = null
  private errors = 0

  constructor(
    private readonly logger: Logger,
    private readonly onError: () => void = () => undefined
  ) {}

  watch(connection: Redis) {
    connection.on('error', (e: Error) => {
      this.onError()
      this.errors++
      this.down.add(connection)
      if (this.since !== null) return
      this.since = Date.now()
      this.logger.error('Redis unreachable: saving is paused and clients keep their edits until it is back', { reason: e.message })
    })
    connection.on('ready', () => {
      this.down.delete(connection)
      if (this.since === null || this.down.size > 0) return
      this.logger.info('Redis reachable again: saving resumes', { downSeconds: (Date.now() - this.since) / 1000, failedAttempts: this.errors })
      this.since = null
      this.errors = 0
    })
  }
}
