import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApp, type App, type AppOptions } from './app.ts'
import { probeWritable } from './config/dataDir.ts'
import { BOARD_CREATION_LIMIT } from './boards/routes.ts'
import { consoleLogger as logger } from './observability/logger.ts'
import { EmbeddedStorage } from './storage/embedded/embeddedStorage.ts'
import { connectRedis } from './storage/redis/redisCluster.ts'

const root = resolve(fileURLToPath(import.meta.url), '../../..')
const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST
const dataDir = resolve(process.env.DATA_DIR ?? resolve(root, 'data'))
const redisUrl = process.env.REDIS_URL

/** A configuration the server cannot run with: one line saying why, and no half-started node. */
function refuseToStart(reason: string): never {
  console.error(`Opificio: ${reason}`)
  process.exit(1)
}

// A failed presence publish or a dropped Redis reply must never take the whole node down.
process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', reason instanceof Error ? reason.message : reason))

let engine: Pick<AppOptions, 'storage' | 'adapter' | 'onClose'>
if (redisUrl) {
  const redis = await connectRedis(redisUrl, logger, process.env.REDIS_PREFIX)
  engine = { storage: redis.storage, adapter: redis.adapter, onClose: redis.close }
} else {
  await probeWritable(dataDir).catch((e: Error) => refuseToStart(`DATA_DIR ${dataDir} is not writable: ${e.message}`))
  engine = { storage: new EmbeddedStorage(dataDir, { logger }) }
}

const boardBurst = process.env.BOARD_CREATION_BURST
if (boardBurst !== undefined && !/^[1-9]\d{0,6}$/.test(boardBurst)) {
  refuseToStart(`BOARD_CREATION_BURST must be a whole number from 1 to 9999999, not "${boardBurst}"`)
}

let app: App
try {
  app = createApp({
    ...engine,
    clientDist: resolve(root, 'client/dist'),
    tldrawLicenseKey: process.env.TLDRAW_LICENSE_KEY || null,
    serverUrls:
      process.env.SERVER_URLS?.split(',')
        .map((u) => u.trim())
        .filter(Boolean) ?? null,
    publicUrl: process.env.PUBLIC_URL || null,
    boardCreationLimit: { ...BOARD_CREATION_LIMIT, burst: boardBurst ? Number(boardBurst) : BOARD_CREATION_LIMIT.burst },
    logger,
  })
} catch (e) {
  refuseToStart((e as Error).message)
}

const actualPort = await app.listen(port, host)
console.log(`Opificio: http://localhost:${actualPort} (${redisUrl ? 'boards in Redis' : `boards in ${dataDir}`})`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return
    stopping = true
    await app.close()
    process.exit(0)
  })
}
