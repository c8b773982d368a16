// Ack and propagation latency between local clients, on real server processes.
// Run: npm run bench:latency
//   SAMPLES, INTERVAL_MS, WATCHERS: the load; NODES=2: writer and watchers on two nodes over a
//   private Redis; STORAGE=redis with NODES=1: one node on Redis (default: embedded storage).
// tldraw's store reports changes on the next animation frame; Node has none, so run them at once.
globalThis.requestAnimationFrame ??= ((cb: FrameRequestCallback) => setImmediate(() => cb(performance.now()))) as never
globalThis.cancelAnimationFrame ??= ((h: unknown) => clearImmediate(h as NodeJS.Immediate)) as never

import { geoShape } from '@opificio/shared/testing'
import { headlessClient, type HeadlessClient } from '../harness/headlessClient.ts'
import { createBoard, until } from '../harness/server.ts'
import { startCluster } from '../harness/cluster.ts'
import { spawnServer, stopServer } from '../harness/serverProcess.ts'

const SAMPLES = Number(process.env.SAMPLES ?? 300)
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 50)
const WATCHERS = Number(process.env.WATCHERS ?? 1)
const NODES = Number(process.env.NODES ?? 1)
const STORAGE = process.env.STORAGE ?? (NODES > 1 ? 'redis' : 'embedded')

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}
function summary(name: string, values: number[]) {
  const s = [...values].sort((a, b) => a - b)
  const f = (n: number) => n.toFixed(2)
  return `${name.padEnd(28)} n=${s.length}  p50=${f(percentile(s, 50))} ms  p95=${f(percentile(s, 95))} ms  p99=${f(percentile(s, 99))} ms  max=${f(s.at(-1)!)} ms`
}

let urls: string[]
let shutdown: () => Promise<unknown>
if (STORAGE === 'redis') {
  const cluster = await startCluster(NODES)
  urls = cluster.urls
  shutdown = () => cluster.stop()
} else {
  const server = await spawnServer()
  urls = [server.url]
  shutdown = () => stopServer(server)
}
try {
  const board = await createBoard(urls[0], 'Benchmark')
  // The writer is on the first node, everyone watching on the last: with two nodes, every change crosses.
  const writer = headlessClient(urls[0], board.participant, 'writer')
  const watchers: HeadlessClient[] = Array.from({ length: WATCHERS }, (_, i) => headlessClient(urls.at(-1)!, board.participant, `w${i}`))
  const all = [writer, ...watchers]
  await until(() => all.every((c) => c.state.connection === 'online'), 'clients online')

  const sentAt = new Map<string, number>()
  const acked: number[] = []
  const seen: number[] = []
  const watcher = watchers[0]
  // Runs inside the store transaction that applies the remote change: no frame throttling.
  watcher.store.sideEffects.registerAfterCreateHandler('shape' as never, (record: { id: string }) => {
    const t = sentAt.get(record.id)
    if (t === undefined) return
    seen.push(performance.now() - t)
    sentAt.delete(record.id)
  })

  for (let i = 0; i < SAMPLES; i++) {
    const id = `shape:bench${i}`
    const ack = new Promise<number>((resolve) => (writer.onAck = () => resolve(performance.now())))
    const t0 = performance.now()
    sentAt.set(id, t0)
    writer.store.put([geoShape(id, { x: i, y: i }) as never])
    acked.push((await ack) - t0)
    await new Promise((r) => setTimeout(r, INTERVAL_MS))
  }
  await until(() => sentAt.size === 0, 'every change seen', 5000)

  const where = STORAGE === 'redis' ? `${NODES} node(s) on Redis (appendfsync always)` : 'one node, embedded storage (fsync per group commit)'
  console.log(`${where}, ${WATCHERS} watching client(s), ${SAMPLES} changes ${INTERVAL_MS} ms apart`)
  console.log(summary('ack (push -> durable ack)', acked))
  console.log(summary('propagation (A -> B store)', seen))
  for (const c of all) c.close()
} finally {
  await shutdown()
}
