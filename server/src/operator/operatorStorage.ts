import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { silentLogger } from '../observability/logger.ts'
import { EmbeddedStorage } from '../storage/embedded/embeddedStorage.ts'
import { RedisStorage } from '../storage/redis/redisStorage.ts'
import type { StorageEngine } from '../storage/types.ts'

/** The storage the server of this machine uses, chosen by the same variables: REDIS_URL, else DATA_DIR. */
export async function openOperatorStorage(): Promise<StorageEngine> {
  const root = resolve(fileURLToPath(import.meta.url), '../../../..')
  const storage: StorageEngine & { ready?(): Promise<void> } = process.env.REDIS_URL
    ? new RedisStorage({ url: process.env.REDIS_URL, prefix: process.env.REDIS_PREFIX, logger: silentLogger })
    : new EmbeddedStorage(resolve(process.env.DATA_DIR ?? resolve(root, 'data')))
  await storage.ready?.()
  return storage
}

/** Runs an operator tool's main when its file is the one started, exiting with its code. */
export function runTool(moduleUrl: string, main: (args: string[]) => Promise<number>) {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(e.message)
      process.exit(1)
    }
  )
}
