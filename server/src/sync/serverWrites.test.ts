import { randomUUID } from 'node:crypto'
import {
  EV,
  type BatchFrame,
  type BatchMessage,
  readBatch,
  type BoardMeta,
  type DocDiff,
  type ServerMessages,
  type WireEntry,
} from '@opificio/shared'
import { geoShape } from '@opificio/shared/testing'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createBoard } from '../boards/boardService.ts'
import { silentLogger } from '../observability/logger.ts'
import { EmbeddedStorage } from '../storage/embedded/embeddedStorage.ts'
import { MemoryStorage } from '../storage/memory/memoryStorage.ts'
import { RedisStorage } from '../storage/redis/redisStorage.ts'
import type { StorageEngine } from '../storage/types.ts'
import { startTestRedis } from '../testing/testRedis.ts'
import { Room } from './rooms/room.ts'
import type { RoomSocket } from './rooms/session.ts'
import { appendAsServer, nextServerSeq } from './serverWrites.ts'

/** A client connection as a room sees it: what it was sent, in order. */
function listener(): RoomSocket & { entries(): WireEntry[] } {
  const batches: BatchMessage[] = []
  const emit = <E extends keyof ServerMessages>(event: E, message: ServerMessages[E]) => {
    if (event === EV.batch) batches.push(readBatch(message as BatchFrame, null))
    return true
  }
  return { id: randomUUID(), emit, volatile: { emit }, disconnect: () => undefined, entries: () => batches.flatMap((b) => b.entries ?? []) }
}

async function until(check: () => boolean, what: string, ms = 5_000) {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 2))
  }
}

const put = (id: string): DocDiff => ({ [`shape:${id}`]: ['put', geoShape(id)] })
const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const redis = await startTestRedis()
afterAll(() => redis.stop())
let prefixes = 0

/** Two nodes serving one board: on Redis, two engines over one Redis; embedded and memory have one node. */
const ENGINES: Record<string, () => Promise<[StorageEngine, StorageEngine]>> = {
  memory: async () => {
    const one = new MemoryStorage()
    return [one, one]
  },
  embedded: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opificio-server-writes-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const one = new EmbeddedStorage(dir)
    return [one, one]
  },
  redis: async () => {
    const prefix = `serverwrites${prefixes++}${Date.now().toString(36)}:`
    const open = async () => {
      const s = new RedisStorage({ url: redis.url, prefix, logger: silentLogger })
      await s.ready()
      return s
    }
    return [await open(), await open()]
  },
}

describe.each(Object.keys(ENGINES))('entries the server writes in its own name, %s engine', (engine) => {
  async function twoNodes() {
    const [storageA, storageB] = await ENGINES[engine]()
    cleanups.push(() => storageA.close())
    if (storageB !== storageA) cleanups.push(() => storageB.close())
    const created = await createBoard(storageA, 'Tavolo', 'http://localhost')
    const meta: BoardMeta = { id: created.id, title: created.title, createdAt: created.createdAt }
    const nodeA = await Room.load(meta, storageA, { tickMs: 1, logger: silentLogger, nodeId: 'nodeA' })
    const nodeB = await Room.load(meta, storageB, { tickMs: 1, logger: silentLogger, nodeId: 'nodeB' })
    cleanups.push(
      () => nodeA.close(),
      () => nodeB.close()
    )
    return { meta, storage: storageA, nodeA, nodeB }
  }

  it('orders them with the pushes, and every session on every node receives them as changes', async () => {
    const { meta, storage, nodeA, nodeB } = await twoNodes()
    const anna = listener()
    const bruno = listener()
    const annaSession = nodeA.join(anna, { writerId: 'writerAnna', voterKey: 'voterAnna' }, null, 'participant')
    nodeB.join(bruno, { writerId: 'writerBruno', voterKey: 'voterBruno' }, null, 'participant')

    const written = nodeA.write(put('tally'))
    await nodeA.push(annaSession, { ok: true, seq: 1, diff: put('anna'), bytes: 100 })
    const offset = await written

    await until(() => bruno.entries().length === 2 && anna.entries().length === 2, 'both entries at both sessions')
    const [first, second] = bruno.entries()
    expect(first.offset! + 1).toBe(second.offset)
    const tally = bruno.entries().find((e) => e.offset === offset)
    expect(tally).toEqual({ kind: 'change', offset, diff: put('tally') })
    // Its author is the server: to Anna, whose push went next to it, it is somebody else's change.
    expect(anna.entries().find((e) => e.offset === offset)).toEqual(tally)
    for (const node of [nodeA, nodeB]) expect(node.documentRecords.map((r) => r.id)).toEqual(expect.arrayContaining(['shape:tally', 'shape:anna']))
    const { entries } = await storage.load(meta.id)
    expect(entries.find((e) => e.offset === offset)!.clientId).toBe('server:nodeA')
  })

  it('reaches a board whose room is not loaded anywhere, and a room loaded later has it', async () => {
    const [storage] = await ENGINES[engine]()
    cleanups.push(() => storage.close())
    const created = await createBoard(storage, 'Tavolo', 'http://localhost')
    const offset = await appendAsServer(storage, created.id, 'server:restore', put('restored'))
    expect(offset).toBe(1)
    const room = await Room.load({ id: created.id, title: created.title, createdAt: created.createdAt }, storage, { logger: silentLogger })
    cleanups.push(() => room.close())
    expect(room.documentRecords.map((r) => r.id)).toContain('shape:restored')
  })

  it('never has one taken for a retry of another, however fast they come', async () => {
    const { nodeA, nodeB } = await twoNodes()
    const offsets = await Promise.all([...Array(20).keys()].map((i) => (i % 2 ? nodeA : nodeB).write(put(`w${i}`))))
    expect(new Set(offsets).size).toBe(20)
    await until(() => nodeB.offset === 20 && nodeA.offset === 20, 'every write folded on both nodes')
  })

  it('refuses a change of its own that the schema refuses, writing nothing', async () => {
    const { nodeA } = await twoNodes()
    await expect(nodeA.write({ 'shape:bad': ['put', geoShape('bad', {}, { geo: 'blob' })] })).rejects.toThrow(/refused its own change/)
    expect(nodeA.offset).toBe(0)
  })
})

describe('the seq of the server’s own entries', () => {
  it('increases within a process and past an earlier process’s, which counted in milliseconds', () => {
    const now = 1_800_000_000_000
    const a = nextServerSeq(now)
    const b = nextServerSeq(now)
    expect(b).toBe(a + 1)
    expect(a).toBeGreaterThan(now)
    expect(nextServerSeq(now - 5_000)).toBe(b + 1)
  })
})
