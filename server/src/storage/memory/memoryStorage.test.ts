import { createInitialRecords, type DocDiff } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { describeStorageContract } from '../contract.ts'
import { UnstorableEntryError, type BoardSnapshot, type LogEntry } from '../types.ts'
import { MemoryStorage, MemoryStore } from './memoryStorage.ts'
import { linesLogger } from '../../observability/logger.ts'

// One store behind every engine the contract opens: a reopen sees what was stored before.
const store = new MemoryStore()
describeStorageContract('memory', {
  open: async () => new MemoryStorage({ store }),
  forgetAccess: async (boardId) => {
    store.boards.get(boardId)!.access = null
  },
})

const initial = (): BoardSnapshot => ({ offset: 0, records: createInitialRecords('P'), clientSeqs: {}, schema: {} })

async function boardOf(engine: MemoryStorage, id = 'memoryboard1') {
  await engine.createBoard({ id, title: 't', createdAt: new Date().toISOString() }, initial(), { facilitator: 'f', participant: 'p', projector: 'r' })
  return id
}

describe('memory storage keeps its own copies', () => {
  it('is not changed by mutating a push, a snapshot or metadata after handing them over', async () => {
    const engine = new MemoryStorage()
    const meta = { id: 'copiedboard1', title: 't', createdAt: new Date().toISOString() }
    const first = initial()
    await engine.createBoard(meta, first, { facilitator: 'f', participant: 'p', projector: 'r' })
    meta.title = 'changed'
    first.records.length = 0
    const d: DocDiff = { 'shape:a': ['put', { id: 'shape:a', typeName: 'shape', x: 1 } as unknown as UnknownRecord] }
    const push = { clientId: 'clientAAA', seq: 1, diff: d }
    await engine.append(meta.id, push)
    ;(d['shape:a'][1] as { x: number }).x = 99
    push.seq = 50
    const snap: BoardSnapshot = { ...initial(), offset: 1, clientSeqs: { clientAAA: 1 } }
    await engine.compact(meta.id, snap)
    snap.records.length = 0
    snap.clientSeqs.clientAAA = 7

    expect((await engine.getBoard(meta.id))?.title).toBe('t')
    expect((await engine.readSnapshot(meta.id, 0))?.records).toEqual(initial().records)
    expect(await engine.readSnapshot(meta.id, 1)).toEqual({ ...initial(), offset: 1, clientSeqs: { clientAAA: 1 } })
    expect((await engine.load(meta.id)).snapshot.records).toEqual(initial().records)
    expect(await engine.append(meta.id, { clientId: 'clientAAA', seq: 2, diff: {} })).toEqual({ offset: 2, duplicate: false })
    expect((await engine.load(meta.id)).entries.map((e) => e.seq)).toEqual([2])
    await engine.close()
  })

  it('is not changed by mutating what load, readSnapshot, getBoard or a subscription gave back', async () => {
    const engine = new MemoryStorage()
    const id = await boardOf(engine)
    const d = (x: number): DocDiff => ({ 'shape:a': ['put', { id: 'shape:a', typeName: 'shape', x } as unknown as UnknownRecord] })
    const seenA: LogEntry[] = []
    const seenB: LogEntry[] = []
    engine.subscribe(id, 0, (entries) => {
      seenA.push(...entries)
      for (const e of entries) e.diff = {}
    })
    engine.subscribe(id, 0, (entries) => seenB.push(...entries))
    await engine.append(id, { clientId: 'clientAAA', seq: 1, diff: d(1) })

    const loaded = await engine.load(id)
    loaded.entries[0].offset = 40
    ;(loaded.entries[0].diff['shape:a'][1] as { x: number }).x = 40
    loaded.snapshot.records.length = 0
    ;(await engine.readSnapshot(id, 0))!.records.length = 0
    ;(await engine.getBoard(id))!.title = 'changed'

    const again = await engine.load(id)
    expect(again.entries).toEqual([{ offset: 1, clientId: 'clientAAA', seq: 1, diff: d(1) }])
    expect(again.snapshot.records).toEqual(initial().records)
    expect((await engine.readSnapshot(id, 0))!.records).toEqual(initial().records)
    expect((await engine.getBoard(id))!.title).toBe('t')
    expect(seenA[0].diff).toEqual({})
    expect(seenB[0].diff).toEqual(d(1))
    await engine.close()
  })

  it('refuses a push that does not serialize, and takes no offset for it', async () => {
    const engine = new MemoryStorage()
    const id = await boardOf(engine)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    await expect(engine.append(id, { clientId: 'clientAAA', seq: 1, diff: cyclic as DocDiff })).rejects.toBeInstanceOf(UnstorableEntryError)
    expect(await engine.append(id, { clientId: 'clientAAA', seq: 1, diff: {} })).toEqual({ offset: 1, duplicate: false })
    await engine.close()
  })
})

describe('memory storage delivery', () => {
  it('never calls a subscriber from inside subscribe or append, and delivers before the append resolves', async () => {
    const engine = new MemoryStorage()
    const id = await boardOf(engine)
    await engine.append(id, { clientId: 'clientAAA', seq: 1, diff: {} })
    const seen: number[] = []
    engine.subscribe(id, 0, (entries) => seen.push(...entries.map((e) => e.offset)))
    expect(seen).toEqual([])
    const appended = engine.append(id, { clientId: 'clientAAA', seq: 2, diff: {} })
    expect(seen).toEqual([])
    await appended
    expect(seen).toEqual([1, 2])
    await engine.close()
  })

  it('keeps serving the other subscribers when one throws, and gives the thrower nothing twice', async () => {
    const log: string[] = []
    const engine = new MemoryStorage({ logger: linesLogger(log) })
    const id = await boardOf(engine)
    const thrower: number[] = []
    const other: number[] = []
    engine.subscribe(id, 0, (entries) => {
      thrower.push(...entries.map((e) => e.offset))
      throw new Error('boom')
    })
    engine.subscribe(id, 0, (entries) => other.push(...entries.map((e) => e.offset)))
    await engine.append(id, { clientId: 'clientAAA', seq: 1, diff: {} })
    await engine.append(id, { clientId: 'clientAAA', seq: 2, diff: {} })
    expect(thrower).toEqual([1, 2])
    expect(other).toEqual([1, 2])
    expect(log.length).toBeGreaterThan(0)
    await engine.close()
  })

  it('ends its own subscriptions on close while a reopened engine over the store goes on', async () => {
    const shared = new MemoryStore()
    const first = new MemoryStorage({ store: shared })
    const id = await boardOf(first)
    const seen: number[] = []
    first.subscribe(id, 0, (entries) => seen.push(...entries.map((e) => e.offset)))
    await first.append(id, { clientId: 'clientAAA', seq: 1, diff: {} })
    await first.close()
    await expect(first.load(id)).rejects.toThrow(/closed/)
    const second = new MemoryStorage({ store: shared })
    expect(await second.append(id, { clientId: 'clientAAA', seq: 2, diff: {} })).toEqual({ offset: 2, duplicate: false })
    expect(seen).toEqual([1])
    await second.close()
  })
})
