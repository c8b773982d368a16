import { createInitialRecords } from '@opificio/shared'
import Redis from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { describeStorageContract } from '../contract.ts'
import { BoardDamagedError, type LogEntry } from '../types.ts'
import { boardKeys } from './keys.ts'
import { RedisStorage } from './redisStorage.ts'
import { startTestRedis } from '../../testing/testRedis.ts'
import { silentLogger } from '../../observability/logger.ts'

const redis = await startTestRedis()
afterAll(() => redis.stop())

let n = 0
const prefix = () => `test${Date.now().toString(36)}${n++}:`
const shared = prefix()

async function open(p = shared) {
  const storage = new RedisStorage({ url: redis.url, prefix: p, logger: silentLogger })
  await storage.ready()
  return storage
}

/** A plain connection, for changing keys behind the engine's back. */
async function withRaw<T>(work: (raw: Redis) => Promise<T>): Promise<T> {
  const raw = new Redis(redis.url)
  try {
    return await work(raw)
  } finally {
    raw.disconnect()
  }
}

describeStorageContract('redis', {
  open: () => open(),
  forgetAccess: (boardId) => withRaw((raw) => raw.del(boardKeys(shared, boardId).access)).then(() => undefined),
})

async function boardWith(storage: RedisStorage, id: string) {
  await storage.createBoard(
    { id, title: 't', createdAt: new Date().toISOString() },
    { offset: 0, records: createInitialRecords('P'), clientSeqs: {}, schema: {} },
    { facilitator: 'f', participant: 'p', projector: 'r' }
  )
}

describe('redis storage through faults', () => {
  it('reports whether acknowledged writes are on disk', async () => {
    const storage = await open()
    expect(await storage.durability()).toEqual({ durable: true, detail: 'appendonly=yes appendfsync=always' })
    await storage.close()
  })

  it('keeps every acknowledged append across a kill -9 of Redis, and the tail resumes by itself', async () => {
    const p = prefix()
    const storage = await open(p)
    await boardWith(storage, 'killedredis1')
    const seen: LogEntry[] = []
    storage.subscribe('killedredis1', 0, (e) => seen.push(...e))
    for (let s = 1; s <= 50; s++) await storage.append('killedredis1', { clientId: 'clientAAA', seq: s, diff: { [`shape:s${s}`]: ['remove'] } })

    await redis.kill()
    const started = Date.now()
    await expect(storage.append('killedredis1', { clientId: 'clientAAA', seq: 51, diff: { 'shape:x': ['remove'] } })).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(1000)
    await redis.start()
    await storage.ready()

    const { entries } = await storage.load('killedredis1')
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    expect(await storage.append('killedredis1', { clientId: 'clientAAA', seq: 51, diff: { 'shape:x': ['remove'] } })).toEqual({
      offset: 51,
      duplicate: false,
    })
    const deadline = Date.now() + 10_000
    while (seen.length < 51 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(seen.map((e) => e.offset)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1))
    await storage.close()
  })

  it('refuses a damaged :access key with BoardDamagedError, without its text in the message', async () => {
    const p = prefix()
    const storage = await open(p)
    await boardWith(storage, 'damagedaccess1')
    const key = boardKeys(p, 'damagedaccess1').access
    for (const damaged of ['{"facilitator":"facilitatorSecret1"', JSON.stringify({ facilitator: 'facilitatorSecret1' })]) {
      await withRaw((raw) => raw.set(key, damaged))
      const error = await storage.getAccess('damagedaccess1').then(
        () => null,
        (e: Error) => e
      )
      expect(error).toBeInstanceOf(BoardDamagedError)
      expect(error!.message).not.toContain('Secret1')
      expect(error!.message).not.toContain('damagedaccess1')
    }
    await storage.close()
  })

  it('gives no tokens to a board whose metadata is gone, and stores none for it', async () => {
    const p = prefix()
    const storage = await open(p)
    await boardWith(storage, 'metagone1')
    const k = boardKeys(p, 'metagone1')
    await withRaw((raw) => raw.del(k.meta))
    expect(await storage.getAccess('metagone1')).toBeNull()
    await withRaw((raw) => raw.del(k.access))
    await expect(storage.setAccess('metagone1', { facilitator: 'a', participant: 'b', projector: 'c' })).rejects.toThrow(/not found/)
    expect(await withRaw((raw) => raw.exists(k.access))).toBe(0)
    await storage.close()
  })

  it('lets only one node compact at a time and never goes back to an older snapshot', async () => {
    const p = prefix()
    const a = await open(p)
    const b = await open(p)
    await boardWith(a, 'leasedboard1')
    for (let s = 1; s <= 10; s++) await a.append('leasedboard1', { clientId: 'clientAAA', seq: s, diff: { [`shape:s${s}`]: ['remove'] } })
    const snap = (offset: number) => ({ offset, records: createInitialRecords('P'), clientSeqs: { clientAAA: offset }, schema: {} })
    await Promise.all([a.compact('leasedboard1', snap(8)), b.compact('leasedboard1', snap(9))])
    const after = (await a.load('leasedboard1')).snapshot.offset
    expect([8, 9]).toContain(after)
    await b.compact('leasedboard1', snap(5))
    expect((await b.load('leasedboard1')).snapshot.offset).toBe(after)
    await a.close()
    await b.close()
  })
})
