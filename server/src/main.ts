import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readConfig } from './config/config.ts'
import { probeWritable } from './config/dataDir.ts'

// Stack traces name the TypeScript source, also from the bundle (server/dist/main.js).
process.setSourceMapsEnabled(true)
const startedAt = performance.now()
// server/src/main.ts and server/dist/main.js alike.
const root = resolve(fileURLToPath(import.meta.url), '../../..')

const { config, problems } = readConfig(process.env, root, process.stdout.isTTY === true)
// With Redis configured (even badly) DATA_DIR is not used; otherwise only writing to it tells.
if (!process.env.REDIS_URL?.trim() && config.dataDir) {
  await probeWritable(config.dataDir).catch((e: Error) => problems.push(`DATA_DIR ${config.dataDir} is not writable: ${e.message}`))
}
if (problems.length > 0) {
  for (const problem of problems) console.error(`Opificio: ${problem}`)
  process.exit(1)
}

// Loaded only with a configuration that holds: telling what is wrong with one takes no time.
const { serve } = await import('./serve.ts')
await serve(config, { root, startedAt })
