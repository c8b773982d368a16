import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter'
import Redis from 'ioredis'
import { RedisStorage } from './redisStorage.ts'
import type { Logger } from '../../observability/logger.ts'
import { RedisOutage } from './redisOutage.ts'

export interface RedisSetup {
  storage: RedisStorage
  adapter: ReturnType<typeof createShardedAdapter> | ReturnType<typeof createAdapter>
  close(): Promise<void>
  /** Rejects at once while Redis cannot be reached (for /readyz). */
  ping(): Promise<void>
}

/**
 * What a node needs to share boards with other nodes through one Redis: the storage engine and
 * the Socket.IO adapter for presence (sharded pub/sub on Redis 7, classic pub/sub before).
 */
export async function connectRedis(url: string, logger: Logger, prefix?: string, opts: { onError?: () => void } = {}): Promise<RedisSetup> {
  const outage = new RedisOutage(logger, opts.onError)
  const storage = new RedisStorage({ url, logger, prefix, outage })
  try {
    await storage.ready(60_000)
  } catch (e) {
    await storage.close()
    throw e
  }
  const { durable, detail } = await storage.durability()
  if (!durable) {
    logger.warn(
      `Redis does not fsync before answering (${detail}): acknowledged edits could be lost in a crash. Use appendonly yes, appendfsync always.`
    )
  }
  const pub = new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: false })
  const sub = new Redis(url, { maxRetriesPerRequest: null })
  for (const c of [pub, sub]) outage.watch(c)
  const version = /redis_version:(\d+)/.exec(await sub.info('server'))?.[1]
  const adapter = Number(version) >= 7 ? createShardedAdapter(pub, sub) : createAdapter(pub, sub)
  return {
    storage,
    adapter,
    async close() {
      pub.disconnect()
      sub.disconnect()
    },
    async ping() {
      if (pub.status !== 'ready') throw new Error(`not connected (${pub.status})`)
      await pub.ping()
    },
  }
}
