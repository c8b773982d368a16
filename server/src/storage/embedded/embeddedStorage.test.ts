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

  it('refuses ids that could leave the data directory', async () => {
    const engine = new EmbeddedStorage(await mkdtemp(join(tmpdir(), 'opificio-embedded-')))
    expect(await engine.getBoard('../../etc')).toBeNull()
    await engine.close()
  })
})
