import { describe, expect, it } from 'vitest'
import { MemoryStorage } from '../storage/memory/memoryStorage.ts'
import type { BoardSnapshot } from '../storage/types.ts'
import { meteredStorage } from './meteredStorage.ts'
import { Metrics } from './metrics.ts'

async function storageErrors(metrics: Metrics) {
  const { values } = await metrics.registry.getSingleMetric('opificio_storage_errors_total')!.get()
  return Object.fromEntries(values.map((v) => [v.labels.operation, v.value]))
}

describe('storage as the app uses it', () => {
  it('counts the engine’s failures by operation, but not its answers about the request (an unknown board)', async () => {
    const engine = new MemoryStorage()
    engine.compact = () => Promise.reject(new Error('EIO: i/o error'))
    const metrics = new Metrics()
    const storage = meteredStorage(engine, metrics)
    await expect(storage.append('no-such-board', { clientId: 'c', seq: 1, diff: {} })).rejects.toThrow('not found')
    await expect(storage.compact('any', {} as BoardSnapshot)).rejects.toThrow('EIO')
    await expect(storage.compact('any', {} as BoardSnapshot)).rejects.toThrow('EIO')
    expect(await storageErrors(metrics)).toEqual({ compact: 2 })
  })

  it('knows what is in flight: settled() waits for every operation started before it', async () => {
    const engine = new MemoryStorage()
    let finish = () => {}
    engine.boardIds = () => new Promise((resolve) => (finish = () => resolve([])))
    const storage = meteredStorage(engine, new Metrics())
    void storage.boardIds()
    let settled = false
    const waiting = storage.settled().then(() => (settled = true))
    await new Promise((r) => setTimeout(r, 20))
    expect(settled).toBe(false)
    finish()
    await waiting
    expect(settled).toBe(true)
  })
})
