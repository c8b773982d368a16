import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApp } from './app.ts'
import { EmbeddedStorage } from './storage/embedded/embeddedStorage.ts'

const root = resolve(fileURLToPath(import.meta.url), '../../..')
const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST
const dataDir = resolve(process.env.DATA_DIR ?? resolve(root, 'data'))

const app = createApp({
  storage: new EmbeddedStorage(dataDir),
  clientDist: resolve(root, 'client/dist'),
  tldrawLicenseKey: process.env.TLDRAW_LICENSE_KEY || null,
})

const actualPort = await app.listen(port, host)
console.log(`Opificio: http://localhost:${actualPort} (boards in ${dataDir})`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return
    stopping = true
    await app.close()
    process.exit(0)
  })
}
