import { afterEach, describe, expect, it } from 'vitest'
import { EmbeddedStorage } from '@opificio/server/testing'
import { expectDurableAndEqual, expectMostClientsAcknowledged, expectNoEditLost, fuzzLog, fuzzSteps, settle } from '../harness/fuzz.ts'
import { headlessClient, sortedById } from '../harness/headlessClient.ts'
import { seededRandom } from '../harness/random.ts'
import { createBoard, startServer } from '../harness/server.ts'

// More seeds in CI, where time is plentiful; FUZZ_SEEDS overrides either.
const SEEDS = Number(process.env.FUZZ_SEEDS ?? (process.env.CI ? 40 : 8))
const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1)
const STEPS = Number(process.env.FUZZ_STEPS ?? 150)
const CLIENTS = 5

describe('convergence under concurrent edits, delays, disconnects and offline edits, in frames and groups', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    it(`seed ${seed}: every client ends equal to the server, and every acknowledged change is in the log`, async () => {
      try {
        await runSeed(seed, cleanups)
      } catch (e) {
        console.error(`convergence fuzz failed with seed ${seed}: replay with FUZZ_SEED=${seed} FUZZ_SEEDS=1`)
        throw e
      }
    })
  }
})

async function runSeed(seed: number, cleanups: (() => Promise<void> | void)[]) {
  const rnd = seededRandom(seed)
  // A small catch-up window and frequent compaction make reconnects take both paths: entries and snapshot.
  const server = await startServer({ room: { catchUpWindow: 20, compactEvery: 40, tickMs: 4 } })
  cleanups.push(() => server.close())
  const board = await createBoard(server.url)
  const boardId = board.id
  const delays = { next: () => (rnd.chance(0.3) ? rnd.int(25) : 0) }
  const clients = Array.from({ length: CLIENTS }, (_, i) => headlessClient(server.url, board.participant, `c${i}`, delays))
  cleanups.push(() => clients.forEach((c) => c.close()))
  const log = fuzzLog()
  await fuzzSteps(clients, rnd, STEPS, log)

  const room = (await server.app.rooms.get(boardId))!
  await settle(clients, () => room.offset)
  expect(sortedById(clients[0].documentRecords())).toEqual(sortedById(room.documentRecords))

  // What the server folded is what it stored: read the board from disk, as after a restart.
  const reread = new EmbeddedStorage(server.dataDir)
  const durable = await expectDurableAndEqual(reread, boardId, clients)
  expectMostClientsAcknowledged(clients)
  expectNoEditLost(log, clients, durable)
  await reread.close()
}
