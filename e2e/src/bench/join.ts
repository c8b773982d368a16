// How long a client takes to join a large board: connect, hello, welcome with the whole
// document, folded into its store. DESIGN.md's budget: 2,000 shapes in <= 300 ms.
// Run: npm run bench:join   (SHAPES=…, JOINS=…)
globalThis.requestAnimationFrame ??= ((cb: FrameRequestCallback) => setImmediate(() => cb(performance.now()))) as never
globalThis.cancelAnimationFrame ??= ((h: unknown) => clearImmediate(h as NodeJS.Immediate)) as never

import { geoShape } from '@opificio/shared/testing'
import { headlessClient } from '../harness/headlessClient.ts'
import { createBoard, until } from '../harness/server.ts'
import { spawnServer, stopServer } from '../harness/serverProcess.ts'

const SHAPES = Number(process.env.SHAPES ?? 2000)
const JOINS = Number(process.env.JOINS ?? 20)

const server = await spawnServer()
try {
  const board = await createBoard(server.url, 'Grande')
  const writer = headlessClient(server.url, board.participant, 'writer')
  await until(() => writer.state.connection === 'online', 'writer online')
  for (let i = 0; i < SHAPES; i += 200) {
    const acked = writer.acks.length
    writer.store.put(Array.from({ length: Math.min(200, SHAPES - i) }, (_, k) => geoShape(`big${i + k}`, { x: (i + k) * 3, y: k * 2 })) as never)
    // The store reports changes on the next frame: wait for the acknowledgement, not for "nothing pending".
    await until(() => writer.acks.length > acked && writer.state.unconfirmed === 0, 'batch acknowledged', 30_000)
  }
  const bytes = JSON.stringify(writer.documentRecords()).length
  writer.close()

  const times: number[] = []
  for (let j = 0; j < JOINS; j++) {
    const t0 = performance.now()
    const c = headlessClient(server.url, board.participant, `joiner${j}`)
    await until(() => c.state.connection === 'online', 'joined', 10_000)
    times.push(performance.now() - t0)
    const got = c.documentRecords().filter((r) => r.typeName === 'shape').length
    if (got !== SHAPES)
      throw new Error(`incomplete board: ${got} of ${SHAPES} shapes; writer rejections: ${writer.rejections.slice(0, 2).join(' | ')}`)
    c.close()
  }
  times.sort((a, b) => a - b)
  console.log(`board of ${SHAPES} shapes (${(bytes / 1024).toFixed(0)} KiB of records), ${JOINS} joins, each a new connection`)
  console.log(`join (connect -> document in the store)  p50=${times[Math.floor(JOINS / 2)].toFixed(1)} ms  max=${times.at(-1)!.toFixed(1)} ms`)
} finally {
  await stopServer(server)
}
