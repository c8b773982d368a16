import { afterAll, beforeAll, describe, it } from 'vitest'
import { startCluster, type Cluster } from '../harness/cluster.ts'
import { expectDurableAndEqual, expectMostClientsAcknowledged, fuzzSteps, settle } from '../harness/fuzz.ts'
import { clusterClient } from '../harness/headlessClient.ts'
import { seededRandom } from '../harness/random.ts'
import { createBoard } from '../harness/server.ts'

// More seeds in CI, where time is plentiful; FUZZ_SEEDS overrides either.
const SEEDS = Number(process.env.FUZZ_SEEDS ?? (process.env.CI ? 16 : 4))
const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1)
const STEPS = Number(process.env.FUZZ_STEPS ?? 150)
const CLIENTS = 6

describe('convergence across two server nodes on one Redis', () => {
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await startCluster(2)
  })
  afterAll(() => cluster?.stop())

  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    it(`seed ${seed}: clients on both nodes end equal to what Redis holds, every acknowledged change in the log`, async () => {
      const rnd = seededRandom(seed)
      const board = await createBoard(cluster.urls[seed % 2])
      const boardId = board.id
      // Half the clients start on each node; when dropped, a client moves on to the other node.
      const clients = Array.from({ length: CLIENTS }, (_, i) => {
        const urls = i % 2 === 0 ? cluster.urls : [...cluster.urls].reverse()
        return clusterClient(urls, board.participant, `c${i}`)
      })
      try {
        await fuzzSteps(clients, rnd, STEPS)
        await settle(clients)
        await expectDurableAndEqual(await cluster.openStorage(), boardId, clients)
        expectMostClientsAcknowledged(clients)
      } catch (e) {
        console.error(`cluster fuzz failed with seed ${seed}: replay with FUZZ_SEED=${seed} FUZZ_SEEDS=1`)
        throw e
      } finally {
        for (const c of clients) c.close()
      }
    })
  }
})
