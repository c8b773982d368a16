import type { Logger } from './logger.ts'

/** Something the node needs to serve boards: storage, Redis. Rejects, saying why, when it is not there. */
export interface ReadinessCheck {
  name: string
  check(): Promise<void>
}

export type ReadinessState = { ready: true } | { ready: false; reason: string }

/** A check that has not answered in this long counts as failed: a hung disk is not a ready one. */
const CHECK_TIMEOUT_MS = 2000

/**
 * Whether this node should get traffic (`/readyz`): not while it is stopping, and not while
 * storage or Redis cannot be reached. Logs each change, so the log says when a node went out of
 * rotation and when it came back, however often it is probed.
 */
export class Readiness {
  private draining = false
  private last: ReadinessState = { ready: true }

  constructor(
    private readonly checks: ReadinessCheck[],
    private readonly logger: Logger
  ) {}

  /** From now on not ready, for good: the node is stopping. */
  drain() {
    this.draining = true
  }

  async state(): Promise<ReadinessState> {
    const now = this.draining ? { ready: false as const, reason: 'draining: the node is stopping' } : await this.probe()
    if (now.ready !== this.last.ready) {
      if (now.ready) this.logger.info('ready again')
      else this.logger.warn('not ready', { reason: now.reason })
    }
    this.last = now
    return now
  }

  private async probe(): Promise<ReadinessState> {
    const failures = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        let timer: NodeJS.Timeout | undefined
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)
        })
        try {
          await Promise.race([check(), timeout])
          return null
        } catch (e) {
          return `${name}: ${(e as Error).message}`
        } finally {
          clearTimeout(timer)
        }
      })
    )
    const reasons = failures.filter((f) => f !== null)
    return reasons.length === 0 ? { ready: true } : { ready: false, reason: reasons.join('; ') }
  }
}
