import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInitialRecords } from '@opificio/shared'
import { describe, expect, it } from 'vitest'
import { boardTag } from '../boardTag.ts'
import { describeStorageContract } from '../contract.ts'
import { BoardDamagedError } from '../types.ts'
import { EmbeddedStorage } from './embeddedStorage.ts'
import { linesLogger } from '../../observability/logger.ts'

const dir = await mkdtemp(join(tmpdir(), 'opificio-contract-'))
describeStorageContract('embedded', {
  open: async () => new EmbeddedStorage(dir),
  forgetAccess: (boardId) => rm(join(dir, 'boards', boardId, 'access.json')),
})

async function boardWithEntries(n: number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'opificio-embedded-'))
  const engine = new EmbeddedStorage(dataDir)
  const meta = { id: 'tornboard1', title: 't', createdAt: new Date().toISOString() }
  await engine.createBoard(
    meta,
    { offset: 0, records: createInitialRecords('P'), clientSeqs: {}, schema: {} },
    { facilitator: 'f', participant: 'p', projector: 'r' }
  )
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
    await engine.createBoard(
      meta,
      { offset: 0, records: createInitialRecords('P'), clientSeqs: {}, schema: {} },
      { facilitator: 'f', participant: 'p', projector: 'r' }
    )
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

describe('embedded storage keeps link tokens in access.json', () => {
  const tokens = { facilitator: 'facilitatorSecret1', participant: 'participantSecret1', projector: 'projectorSecret1' }

  async function boardWithAccess() {
    const dataDir = await mkdtemp(join(tmpdir(), 'opificio-access-'))
    const logged: string[] = []
    const engine = new EmbeddedStorage(dataDir, { logger: linesLogger(logged) })
    const meta = { id: 'accessboard1', title: 't', createdAt: new Date().toISOString() }
    await engine.createBoard(meta, { offset: 0, records: createInitialRecords('P'), clientSeqs: {}, schema: {} }, tokens)
    const boardDir = join(dataDir, 'boards', meta.id)
    return { engine, meta, boardDir, accessFile: join(boardDir, 'access.json'), logged }
  }

  it('writes access.json readable by its owner only, beside meta.json and apart from every other file', async () => {
    const { engine, meta, boardDir, accessFile } = await boardWithAccess()
    expect((await stat(accessFile)).mode & 0o777).toBe(0o600)
    await engine.setAccess(meta.id, { ...tokens, projector: 'projectorSecret2' })
    expect((await stat(accessFile)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(accessFile, 'utf8'))).toEqual({ ...tokens, projector: 'projectorSecret2' })
    await engine.append(meta.id, { clientId: 'clientAAA', seq: 1, diff: { 'shape:x': ['remove'] } })
    await engine.close()
    const names = await readdir(boardDir)
    expect(names).toContain('meta.json')
    for (const name of names.filter((n) => n !== 'access.json')) {
      const text = await readFile(join(boardDir, name), 'utf8')
      for (const token of [...Object.values(tokens), 'projectorSecret2']) expect(text).not.toContain(token)
    }
  })

  it('refuses a damaged access.json with BoardDamagedError, never a silent null, and never logs what it holds', async () => {
    const { engine, meta, accessFile, logged } = await boardWithAccess()
    for (const damaged of [
      '{"facilitator":"facilitatorSecret1","particip',
      JSON.stringify({ facilitator: 'facilitatorSecret1', participant: 3 }),
      '[]',
    ]) {
      await writeFile(accessFile, damaged)
      const error = await engine.getAccess(meta.id).then(
        () => null,
        (e: Error) => e
      )
      expect(error).toBeInstanceOf(BoardDamagedError)
      expect(error!.message).toContain(boardTag(meta.id))
      expect(error!.message).not.toContain('Secret1')
      expect(error!.message).not.toContain(meta.id)
    }
    expect(logged.length).toBeGreaterThan(0)
    for (const line of logged) expect(line).not.toContain('Secret1')
    // The board itself still opens; a rotation repairs its tokens.
    expect((await engine.load(meta.id)).snapshot.offset).toBe(0)
    await engine.setAccess(meta.id, tokens)
    expect(await engine.getAccess(meta.id)).toEqual(tokens)
    await engine.close()
  })

  it('refuses tokens that are not three strings, leaving no board behind', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'opificio-access-'))
    const engine = new EmbeddedStorage(dataDir)
    const meta = { id: 'halfboard1', title: 't', createdAt: new Date().toISOString() }
    const bad = { facilitator: 'f', participant: 'p' } as unknown as typeof tokens
    await expect(engine.createBoard(meta, { offset: 0, records: [], clientSeqs: {}, schema: {} }, bad)).rejects.toThrow(/projector/)
    expect(await engine.getBoard(meta.id)).toBeNull()
    expect(await engine.getAccess(meta.id)).toBeNull()
    await engine.close()
  })
})

describe('embedded storage keeps records as JSON', () => {
  it('writes the JSON a compaction is given as it is, and gives it back with the board, in that process and the next', async () => {
    const { dataDir, meta } = await boardWithEntries(2)
    const records = createInitialRecords('P')
    // Spelled otherwise than JSON.stringify would: what comes back is what was given, not a re-serialization.
    const recordsJson = records.map((r) => Buffer.from(JSON.stringify(r).replaceAll('":', '": ')))
    const engine = new EmbeddedStorage(dataDir)
    await engine.compact(meta.id, { offset: 2, records, clientSeqs: { clientAAA: 2 }, schema: {} }, recordsJson)
    const inProcess = await engine.load(meta.id)
    await engine.close()
    const reopened = new EmbeddedStorage(dataDir)
    const fromDisk = await reopened.load(meta.id)
    await reopened.close()
    for (const loaded of [inProcess, fromDisk]) {
      expect(loaded.snapshot.records).toEqual(records)
      expect(loaded.recordsJson?.map((j) => Buffer.from(j).toString())).toEqual(recordsJson.map(String))
    }
  })
})
