import { createInitialRecords } from '@opificio/shared'
import { afterAll, describe, expect, it } from 'vitest'
import { describeStorageContract } from '../contract.ts'
import type { LogEntry } from '../types.ts'
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

describeStorageContract('redis', { open: () => open() })

async function boardWith(storage: RedisStorage, id: string) {
  await storage.createBoard(
    { id, title: 't', createdAt: new Date().toISOString() },
    { offset: 0, records: createInitialRecords('P'), clientSeqs: {}, schema: {} }
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
