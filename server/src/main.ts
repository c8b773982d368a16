import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApp, type AppOptions } from './app.ts'
import { EmbeddedStorage } from './storage/embedded/embeddedStorage.ts'
import { connectRedis } from './storage/redis/redisCluster.ts'

const root = resolve(fileURLToPath(import.meta.url), '../../..')
const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST
const dataDir = resolve(process.env.DATA_DIR ?? resolve(root, 'data'))
const redisUrl = process.env.REDIS_URL
const log = (message: string, extra?: unknown) => console.error(new Date().toISOString(), message, extra ?? '')

// A failed presence publish or a dropped Redis reply must never take the whole node down.
process.on('unhandledRejection', (reason) => log('unhandled rejection', reason instanceof Error ? reason.message : reason))

let engine: Pick<AppOptions, 'storage' | 'adapter' | 'onClose'>
if (redisUrl) {
  const redis = await connectRedis(redisUrl, log, process.env.REDIS_PREFIX)
  engine = { storage: redis.storage, adapter: redis.adapter, onClose: redis.close }
} else {
  engine = { storage: new EmbeddedStorage(dataDir) }
}

const app = createApp({
  ...engine,
  clientDist: resolve(root, 'client/dist'),
  tldrawLicenseKey: process.env.TLDRAW_LICENSE_KEY || null,
  serverUrls: process.env.SERVER_URLS?.split(',').map((u) => u.trim()).filter(Boolean) ?? null,
  log,
})

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
