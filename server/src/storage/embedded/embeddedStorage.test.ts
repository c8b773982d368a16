import { appendFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInitialRecords } from '@opificio/shared'
import { describe, expect, it } from 'vitest'
import { describeStorageContract } from '../contract.ts'
import { EmbeddedStorage } from './embeddedStorage.ts'

const dir = await mkdtemp(join(tmpdir(), 'opificio-contract-'))
describeStorageContract('embedded', { open: async () => new EmbeddedStorage(dir) })

async function boardWithEntries(n: number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'opificio-embedded-'))
  const engine = new EmbeddedStorage(dataDir)
  const meta = { id: 'tornboard1', title: 't', createdAt: new Date().toISOString() }
  await engine.createBoard(meta, { offset: 0, records: createInitialRecords('P'), clientSeqs: {}, schema: {} })
  for (let s = 1; s <= n; s++) await engine.append(meta.id, { clientId: 'clientAAA', seq: s, diff: { [`shape:s${s}`]: ['remove'] } })
  await engine.close()
  const boardDir = join(dataDir, 'boards', meta.id)
  const segment = join(boardDir, (await readdir(boardDir)).find((n) => n.startsWith('log-'))!)
  return { dataDir, meta, segment }
}

describe('embedded storage after a crash', () => {
  it('drops a half-written last line and keeps appending after the last whole entry', async () => {
    const { dataDir, meta, segment } = await boardWithEntries(3)
    await appendFile(segment, '0badc0de {"o":4,"c":"clientAAA","s":4,"d":{"shape:s4":')
    const engine = new EmbeddedStorage(dataDir)
    expect((await engine.load(meta.id)).entries.map((e) => e.offset)).toEqual([1, 2, 3])
    expect(await engine.append(meta.id, { clientId: 'clientAAA', seq: 4, diff: { 'shape:x': ['remove'] } })).toEqual({ offset: 4, duplicate: false })
    await engine.close()
    const reopened = new EmbeddedStorage(dataDir)
    expect((await reopened.load(meta.id)).entries.map((e) => e.offset)).toEqual([1, 2, 3, 4])
    await reopened.close()
  })

  it('drops a whole last line whose checksum does not match', async () => {
    const { dataDir, meta, segment } = await boardWithEntries(2)
    const text = await readFile(segment, 'utf8')
    const lines = text.trimEnd().split('\n')
    lines[1] = lines[1].replace('"s":2', '"s":9')
    await writeFile(segment, lines.join('\n') + '\n')
    const engine = new EmbeddedStorage(dataDir)
    expect((await engine.load(meta.id)).entries.map((e) => e.seq)).toEqual([1])
    await engine.close()
  })

  it('refuses to open a log with a hole rather than dropping what follows it', async () => {
    const { dataDir, meta, segment } = await boardWithEntries(3)
    const lines = (await readFile(segment, 'utf8')).trimEnd().split('\n')
    await writeFile(segment, [lines[0], lines[2]].join('\n') + '\n')
    const engine = new EmbeddedStorage(dataDir)
    await expect(engine.load(meta.id)).rejects.toThrow(/refusing to open/)
    expect((await readFile(segment, 'utf8')).trimEnd().split('\n')).toHaveLength(2)
    await engine.close()
  })

  it('recovers a board compacted while appends were queued, whatever its segments are named', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'opificio-embedded-'))
    const engine = new EmbeddedStorage(dataDir)
    const meta = { id: 'compactrace1', title: 't', createdAt: new Date().toISOString() }
    await engine.createBoard(meta, { offset: 0, records: createInitialRecords('P'), clientSeqs: {}, schema: {} })
    const append = (s: number) => engine.append(meta.id, { clientId: 'clientAAA', seq: s, diff: { [`shape:s${s}`]: ['remove'] } })
    for (let s = 1; s <= 5; s++) await append(s)
    const snap = (offset: number) => ({ offset, records: createInitialRecords('P'), clientSeqs: { clientAAA: offset }, schema: {} })
    const first = Promise.all([engine.compact(meta.id, snap(5)), append(6), append(7)])
    await first
    await Promise.all([engine.compact(meta.id, snap(7)), append(8), append(9)])
    await append(10)
    await engine.close()
    const reopened = new EmbeddedStorage(dataDir)
    const { snapshot, entries } = await reopened.load(meta.id)
    expect(snapshot.offset).toBe(7)
    expect(entries.map((e) => e.offset)).toEqual([8, 9, 10])
    await reopened.close()
  })

  it('refuses ids that could leave the data directory', async () => {
    const engine = new EmbeddedStorage(await mkdtemp(join(tmpdir(), 'opificio-embedded-')))
    expect(await engine.getBoard('../../etc')).toBeNull()
    await engine.close()
  })
})
