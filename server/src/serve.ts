import { resolve } from 'node:path'
import { createApp, type App, type AppOptions } from './app.ts'
import { BOARD_CREATION_LIMIT } from './boards/routes.ts'
import type { Config } from './config/config.ts'
import { probeWritable } from './config/dataDir.ts'
import { createLogger } from './observability/logger.ts'
import { Metrics } from './observability/metrics.ts'
import { EmbeddedStorage } from './storage/embedded/embeddedStorage.ts'
import { connectRedis } from './storage/redis/redisCluster.ts'

/** What stops a node at start after its configuration was checked: one line, and no half-started node. */
function refuseToStart(problem: string): never {
  console.error(`Opificio: ${problem}`)
  process.exit(1)
}

/**
 * Runs one node with a checked configuration (main.ts checks it) until SIGTERM or SIGINT: then
 * not ready at once, no new connections, every client told to reconnect (to another node, or to
 * this one once it is back), storage writes finished, exit 0. Past SHUTDOWN_TIMEOUT_MS it exits
 * 1, saying so.
 */
export async function serve(config: Config, { root, startedAt }: { root: string; startedAt: number }) {
  const logger = createLogger({ level: config.logLevel, pretty: config.prettyLogs })
  // A failed presence publish or a dropped Redis reply must never take the whole node down.
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', reason instanceof Error ? reason : { reason: String(reason) }))

  const metrics = new Metrics({ process: true })
  let engine: Pick<AppOptions, 'storage' | 'adapter' | 'onClose' | 'readiness'>
  if (config.redis) {
    const redis = await connectRedis(config.redis.url, logger, config.redis.prefix, { onError: () => metrics.redisError() }).catch((e: Error) =>
      refuseToStart(`Redis at REDIS_URL cannot be reached: ${e.message}`)
    )
    engine = { storage: redis.storage, adapter: redis.adapter, onClose: redis.close, readiness: [{ name: 'redis', check: () => redis.ping() }] }
  } else {
    engine = {
      storage: new EmbeddedStorage(config.dataDir, { logger }),
      readiness: [{ name: 'storage', check: () => probeWritable(config.dataDir) }],
    }
  }

  const app: App = createApp({
    ...engine,
    clientDist: resolve(root, 'client/dist'),
    tldrawLicenseKey: config.tldrawLicenseKey,
    serverUrls: config.serverUrls,
    publicUrl: config.publicUrl,
    boardCreationLimit: { ...BOARD_CREATION_LIMIT, burst: config.boardCreationBurst ?? BOARD_CREATION_LIMIT.burst },
    trustProxy: config.trustProxy,
    metrics,
    logger,
  })

  const where = config.host ?? 'every interface'
  const port = await app
    .listen(config.port, config.host)
    .catch((e: Error) => refuseToStart(`cannot listen on ${where}, port ${config.port}: ${e.message}`))
  const shownHost = config.host === undefined || config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
  logger.info(`Opificio is listening on http://${shownHost}:${port}`, {
    storage: config.redis ? 'redis' : config.dataDir,
    startMs: Math.round(performance.now() - startedAt),
    node: process.version,
  })

  // Repeated signals (Ctrl-C reaches npm and the server both) change nothing: the bound holds.
  let stopping = false
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    const began = performance.now()
    logger.info('stopping', { signal, timeoutMs: config.shutdownTimeoutMs })
    setTimeout(() => {
      logger.error('stopping took longer than SHUTDOWN_TIMEOUT_MS: exiting with work unfinished', { timeoutMs: config.shutdownTimeoutMs })
      process.exit(1)
    }, config.shutdownTimeoutMs)
    app.drain()
    try {
      await app.close()
    } catch (e) {
      logger.error('stopping failed', e)
      process.exit(1)
    }
    logger.info('stopped', { ms: Math.round(performance.now() - began) })
    process.exit(0)
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal))
}
