import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { geoShape } from '@opificio/shared/testing'
import { createBoard } from '../boards/boardService.ts'
import { BoardState } from '../sync/rooms/boardState.ts'
import { EmbeddedStorage } from '../storage/embedded/embeddedStorage.ts'
import { OPERATOR_WRITER, restoreBoard } from './restore.ts'

describe('restoring a kept snapshot (embedded engine, server stopped)', () => {
  const cleanups: (() => Promise<unknown>)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('brings the board back to the snapshot through its own log, and says when nothing changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opificio-restore-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const storage = new EmbeddedStorage(dir)
    cleanups.push(() => storage.close())
    const { id } = await createBoard(storage, 'Tavolo', 'http://localhost')
    const document = async () => {
      const { snapshot, entries } = await storage.load(id)
      return new BoardState(snapshot, entries)
    }
    for (let i = 0; i < 5; i++) await storage.append(id, { clientId: 'writerA', seq: i + 1, diff: { [`shape:s${i}`]: ['put', geoShape(`s${i}`)] } })
    const drawn = await document()
    await storage.compact(id, drawn.snapshot())
    await storage.append(id, { clientId: 'vandal', seq: 1, diff: Object.fromEntries([0, 1, 2, 3, 4].map((i) => [`shape:s${i}`, ['remove']])) })
    await storage.append(id, { clientId: 'vandal', seq: 2, diff: { 'shape:junk': ['put', geoShape('junk')] } })
    await storage.compact(id, (await document()).snapshot())

    const at = await restoreBoard(storage, id, drawn.offset)
    const restored = await document()
    expect(at).toBe(8)
    expect([...restored.records.values()]).toEqual([...drawn.records.values()])
    const { entries } = await storage.load(id)
    expect(entries.at(-1)).toMatchObject({ offset: 8, clientId: OPERATOR_WRITER })
    expect(await restoreBoard(storage, id, drawn.offset)).toBeNull()
    await expect(restoreBoard(storage, id, 3)).rejects.toThrow(/no snapshot at offset 3/)
  })
})
