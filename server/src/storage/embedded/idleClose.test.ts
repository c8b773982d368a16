import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInitialRecords } from '@opificio/shared'
import { describe, expect, it } from 'vitest'
import type { LogEntry } from '../types.ts'
import { EmbeddedStorage, type EmbeddedStorageOptions } from './embeddedStorage.ts'
import { silentLogger } from '../../observability/logger.ts'

const openFds = async () => (await readdir('/proc/self/fd')).length
/** Other work in the test process may hold a descriptor or two for a moment. */
const SLACK = 3

async function until(check: () => boolean | Promise<boolean>, ms = 6000) {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function fiftyBoards(opts: EmbeddedStorageOptions) {
  const engine = new EmbeddedStorage(await mkdtemp(join(tmpdir(), 'opificio-idle-')), { logger: silentLogger, ...opts })
  const ids = Array.from({ length: 50 }, (_, i) => `idleboard${i}`)
  for (const id of ids) {
    await engine.createBoard(
      { id, title: 't', createdAt: new Date().toISOString() },
      { offset: 0, records: createInitialRecords('P'), clientSeqs: {}, schema: {} },
      { facilitator: 'f', participant: 'p', projector: 'r' }
    )
  }
  return { engine, ids }
}

describe('embedded storage closes boards nobody uses', () => {
  it('closes the log of every idle board, keeps a subscribed one open, and reopens them transparently', async () => {
    const { engine, ids } = await fiftyBoards({ idleCloseMs: 1500 })
    const baseline = await openFds()
    const seen: LogEntry[] = []
    const stop = engine.subscribe(ids[0], 0, (e) => seen.push(...e))
    for (const id of ids) await engine.append(id, { clientId: 'clientAAA', seq: 1, diff: { 'shape:a': ['remove'] } })
    const busy = await openFds()
    expect(busy).toBeGreaterThanOrEqual(baseline + 50)

    await until(async () => (await openFds()) <= baseline + 1 + SLACK)
    const idle = await openFds()
    console.log(`open descriptors: ${baseline} before, ${busy} with 50 boards open, ${idle} once idle`)

    expect(await engine.append(ids[7], { clientId: 'clientAAA', seq: 2, diff: { 'shape:b': ['remove'] } })).toEqual({ offset: 2, duplicate: false })
    expect(await engine.append(ids[7], { clientId: 'clientAAA', seq: 1, diff: { 'shape:a': ['remove'] } })).toEqual({ duplicate: true })
    expect((await engine.load(ids[7])).entries.map((e) => e.offset)).toEqual([1, 2])
    // The subscribed board was never closed: its subscriber still receives what is appended.
    await engine.append(ids[0], { clientId: 'clientAAA', seq: 2, diff: { 'shape:b': ['remove'] } })
    await until(() => seen.length === 2)
    expect(seen.map((e) => e.offset)).toEqual([1, 2])
    stop()
    await until(async () => (await openFds()) <= baseline + SLACK)
    await engine.close()
  })

  it('keeps at most maxOpenBoards boards open, closing the least recently used idle ones', async () => {
    const { engine, ids } = await fiftyBoards({ maxOpenBoards: 10 })
    const baseline = await openFds()
    for (const id of ids) await engine.append(id, { clientId: 'clientAAA', seq: 1, diff: { 'shape:a': ['remove'] } })
    await until(async () => (await openFds()) <= baseline + 10 + SLACK)
    for (const id of ids) expect((await engine.load(id)).entries.map((e) => e.offset)).toEqual([1])
    await engine.close()
  })
})
