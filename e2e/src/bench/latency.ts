// Ack and propagation latency between local clients on one real server process.
// Run: npm run bench:latency  (SAMPLES=… INTERVAL_MS=… WATCHERS=… to change the load)
// tldraw's store reports changes on the next animation frame; Node has none, so run them at once.
globalThis.requestAnimationFrame ??= ((cb: FrameRequestCallback) => setImmediate(() => cb(performance.now()))) as never
globalThis.cancelAnimationFrame ??= ((h: unknown) => clearImmediate(h as NodeJS.Immediate)) as never

import { geoShape } from '../../../shared/src/sync/testRecords.ts'
import { headlessClient, type HeadlessClient } from '../harness/headlessClient.ts'
import { createBoard, until } from '../harness/server.ts'
import { spawnServer, stopServer } from '../harness/serverProcess.ts'

const SAMPLES = Number(process.env.SAMPLES ?? 300)
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 50)
const WATCHERS = Number(process.env.WATCHERS ?? 1)

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}
function summary(name: string, values: number[]) {
  const s = [...values].sort((a, b) => a - b)
  const f = (n: number) => n.toFixed(2)
  return `${name.padEnd(28)} n=${s.length}  p50=${f(percentile(s, 50))} ms  p95=${f(percentile(s, 95))} ms  p99=${f(percentile(s, 99))} ms  max=${f(s.at(-1)!)} ms`
}

const server = await spawnServer()
try {
  const boardId = await createBoard(server.url, 'Benchmark')
  const writer = headlessClient(server.url, boardId, 'writer')
  const watchers: HeadlessClient[] = Array.from({ length: WATCHERS }, (_, i) => headlessClient(server.url, boardId, `w${i}`))
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

  console.log(`one server process, embedded storage (fsync per group commit), ${WATCHERS} watching client(s), ${SAMPLES} changes ${INTERVAL_MS} ms apart`)
  console.log(summary('ack (push -> durable ack)', acked))
  console.log(summary('propagation (A -> B store)', seen))
  for (const c of all) c.close()
} finally {
  await stopServer(server)
}
