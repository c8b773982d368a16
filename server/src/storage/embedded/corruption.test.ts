import { appendFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInitialRecords, type DocDiff } from '@opificio/shared'
import { describe, expect, it } from 'vitest'
import { boardTag } from '../boardTag.ts'
import { BoardDamagedError, UnstorableEntryError, type BoardSnapshot } from '../types.ts'
import { EmbeddedStorage } from './embeddedStorage.ts'
import { silentLogger, linesLogger } from '../../observability/logger.ts'

const quiet = { logger: silentLogger }
const id = 'damagedboard1'
const snap = (offset: number): BoardSnapshot => ({ offset, records: createInitialRecords('P'), clientSeqs: { clientAAA: offset }, schema: {} })
const diff = (s: number): DocDiff => ({ [`shape:s${s}`]: ['remove'] })

async function boardWithEntries(n: number, compactAt: number[] = []) {
  const dataDir = await mkdtemp(join(tmpdir(), 'opificio-corrupt-'))
  const engine = new EmbeddedStorage(dataDir, quiet)
  await engine.createBoard({ id, title: 't', createdAt: new Date().toISOString() }, snap(0), { facilitator: 'f', participant: 'p', projector: 'r' })
  for (let s = 1; s <= n; s++) {
    await engine.append(id, { clientId: 'clientAAA', seq: s, diff: diff(s) })
    if (compactAt.includes(s)) await engine.compact(id, snap(s))
  }
  await engine.close()
  const dir = join(dataDir, 'boards', id)
  return { dataDir, dir, file: (name: string) => join(dir, name), names: () => readdir(dir) }
}

/** Flips one bit of the byte at `at` (negative: from the end). */
async function flipByte(path: string, at: number) {
  const bytes = await readFile(path)
  const i = at < 0 ? bytes.length + at : at
  bytes[i] ^= 0x04
  await writeFile(path, bytes)
  return i
}

async function offsetsAfterReopen(dataDir: string) {
  const engine = new EmbeddedStorage(dataDir, quiet)
  try {
    const { snapshot, entries } = await engine.load(id)
    return { snapshot: snapshot.offset, offsets: entries.map((e) => e.offset) }
  } finally {
    await engine.close()
  }
}

describe('embedded storage never drops damaged data silently', () => {
  it('refuses a log with one flipped byte in the middle, naming the file and the byte', async () => {
    const { dataDir, file } = await boardWithEntries(10)
    const text = await readFile(file('log-1.log'), 'utf8')
    const lineStart = text.split('\n').slice(0, 4).join('\n').length + 1
    await flipByte(file('log-1.log'), lineStart + 20)
    const logged: string[] = []
    const engine = new EmbeddedStorage(dataDir, { logger: linesLogger(logged) })
    const refusal = engine.load(id)
    await expect(refusal).rejects.toBeInstanceOf(BoardDamagedError)
    await expect(refusal).rejects.toThrow(
      `board ${boardTag(id)} is damaged: log-1.log at byte ${lineStart} of ${text.length} (checksum mismatch), with more lines after it`
    )
    expect(logged.join('\n')).toContain(`log-1.log at byte ${lineStart}`)
    expect(logged.join('\n')).not.toContain(id)
    await expect(engine.append(id, { clientId: 'clientAAA', seq: 11, diff: diff(11) })).rejects.toBeInstanceOf(BoardDamagedError)
    await engine.close()
    expect(await readFile(file('log-1.log'), 'utf8')).not.toEqual(text)
    expect((await readFile(file('log-1.log'), 'utf8')).length).toBe(text.length)
  })

  it('refuses damage in a segment that later segments follow, even on its last line', async () => {
    const { dataDir, file, names } = await boardWithEntries(10, [5])
    expect((await names()).filter((n) => n.startsWith('log-')).sort()).toEqual(['log-1.log', 'log-6.log'])
    await flipByte(file('log-1.log'), -5)
    await expect(offsetsAfterReopen(dataDir)).rejects.toThrow(
      /log-1\.log at byte \d+ of \d+ \(checksum mismatch\), in a segment that later ones follow/
    )
  })

  it('takes a flipped byte in the very last line for a torn write and drops that line only', async () => {
    const { dataDir, file } = await boardWithEntries(10)
    await flipByte(file('log-1.log'), -5)
    expect(await offsetsAfterReopen(dataDir)).toEqual({ snapshot: 0, offsets: [1, 2, 3, 4, 5, 6, 7, 8, 9] })
    expect(await offsetsAfterReopen(dataDir)).toEqual({ snapshot: 0, offsets: [1, 2, 3, 4, 5, 6, 7, 8, 9] })
  })

  it('refuses a damaged newest snapshot when the log cannot stand in for it', async () => {
    const { dataDir, dir, file } = await boardWithEntries(10, [4, 8])
    // The log is kept back to the previous snapshot (4); damage that one too and nothing covers 8.
    await flipByte(file('snapshot-8.json'), -10)
    await flipByte(file('snapshot-4.json'), -10)
    await expect(offsetsAfterReopen(dataDir)).rejects.toThrow(
      /snapshot-8\.json \(checksum mismatch\), and no older snapshot plus the log can stand in for it/
    )
    expect(await readdir(dir)).toContain('snapshot-8.json')
  })

  it('loads an older snapshot plus the log when they cover a damaged newest snapshot, and sets the damaged one aside', async () => {
    const { dataDir, dir, file } = await boardWithEntries(10, [4, 8])
    await flipByte(file('snapshot-8.json'), -10)
    expect(await offsetsAfterReopen(dataDir)).toEqual({ snapshot: 4, offsets: [5, 6, 7, 8, 9, 10] })
    expect(await readdir(dir)).toContain('snapshot-8.json.damaged')
    const engine = new EmbeddedStorage(dataDir, quiet)
    // Entries 5 to 8, behind the newest snapshot, were read for it after all.
    expect((await engine.load(id)).entries.map((e) => [e.clientId, e.seq, e.diff])).toEqual([5, 6, 7, 8, 9, 10].map((s) => ['clientAAA', s, diff(s)]))
    await expect(engine.readSnapshot(id, 8)).resolves.toBeNull()
    expect(await engine.append(id, { clientId: 'clientAAA', seq: 11, diff: diff(11) })).toEqual({ offset: 11, duplicate: false })
    await engine.close()
  })

  it('detects a flipped byte in a snapshot read from the history', async () => {
    const { dataDir, file } = await boardWithEntries(10, [4, 8])
    // In the body: a flip in the header's time could turn a digit into another (checksum) or not (header).
    await flipByte(file('snapshot-4.json'), -10)
    const engine = new EmbeddedStorage(dataDir, quiet)
    await expect(engine.readSnapshot(id, 4)).rejects.toThrow(`board ${boardTag(id)} is damaged: snapshot-4.json: checksum mismatch`)
    await engine.close()
  })

  it('still reads snapshots written before they had a checksum', async () => {
    const { dataDir, file } = await boardWithEntries(6, [4])
    await writeFile(file('snapshot-4.json'), JSON.stringify(snap(4)))
    expect(await offsetsAfterReopen(dataDir)).toEqual({ snapshot: 4, offsets: [5, 6] })
  })

  it('removes snapshot temporary files a crash left behind', async () => {
    const { dataDir, file, names } = await boardWithEntries(2)
    await writeFile(file('snapshot-2.json.tmp'), '{"offset":2,"rec')
    expect(await offsetsAfterReopen(dataDir)).toEqual({ snapshot: 0, offsets: [1, 2] })
    expect((await names()).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it.each([
    [
      'a cycle',
      () => {
        const d: Record<string, unknown> = {}
        d.self = d
        return { 'shape:x': ['put', d] }
      },
    ],
    [
      'nesting 100,000 deep',
      () => {
        const root: Record<string, unknown> = {}
        let at = root
        for (let i = 0; i < 100_000; i++) at = (at.a = {}) as Record<string, unknown>
        return { 'shape:x': ['put', root] }
      },
    ],
  ])('refuses an entry that cannot be encoded (%s), and only that one', async (_, poison) => {
    const { dataDir } = await boardWithEntries(3)
    const engine = new EmbeddedStorage(dataDir, quiet)
    const failed = engine.append(id, { clientId: 'clientAAA', seq: 4, diff: poison() as unknown as DocDiff })
    const honest = engine.append(id, { clientId: 'clientBBB', seq: 1, diff: diff(5) })
    await expect(failed).rejects.toBeInstanceOf(UnstorableEntryError)
    expect(await honest).toEqual({ offset: 4, duplicate: false })
    // The refused seq was not taken: its retry, now honest, is stored rather than deduped.
    expect(await engine.append(id, { clientId: 'clientAAA', seq: 4, diff: diff(4) })).toEqual({ offset: 5, duplicate: false })
    await engine.close()
    expect(await offsetsAfterReopen(dataDir)).toEqual({ snapshot: 0, offsets: [1, 2, 3, 4, 5] })
  })

  it('still drops a half-written last line appended after a crash', async () => {
    const { dataDir, file } = await boardWithEntries(3)
    await appendFile(file('log-1.log'), '0badc0de {"o":4,"c":"clientAAA"')
    expect(await offsetsAfterReopen(dataDir)).toEqual({ snapshot: 0, offsets: [1, 2, 3] })
  })
})

describe("a facilitator's saved snapshot, damaged on disk", () => {
  const saved = (snapshotId: string) => ({
    meta: { id: snapshotId, kind: 'phase' as const, phase: 2, title: 'Esito fase 2', note: '', createdAt: 1_800_000_000_000, createdBy: 'Giulia' },
    snapshot: snap(3),
  })

  it('is refused when read, naming the file, and left out of the list (said in the log) when its description is damaged', async () => {
    const { dataDir, dir } = await boardWithEntries(3)
    const engine = new EmbeddedStorage(dataDir, quiet)
    await engine.saveSnapshot(id, saved('body'))
    await engine.saveSnapshot(id, saved('head'))
    await engine.close()
    // One bit in the body of the first (its last byte); one in the description of the second.
    await flipByte(join(dir, 'saved', 'body.snap'), -2)
    const head = await readFile(join(dir, 'saved', 'head.snap'))
    await flipByte(join(dir, 'saved', 'head.snap'), head.indexOf('Esito'))
    const logged: string[] = []
    const reopened = new EmbeddedStorage(dataDir, { logger: linesLogger(logged) })
    try {
      expect((await reopened.listSavedSnapshots(id)).map((m) => m.id)).toEqual(['body'])
      expect(logged.join('\n')).toContain('saved snapshot head.snap left out: checksum mismatch in the description')
      await expect(reopened.readSavedSnapshot(id, 'body')).rejects.toThrow(
        `board ${boardTag(id)} is damaged: saved/body.snap: checksum mismatch in the snapshot`
      )
      await expect(reopened.readSavedSnapshot(id, 'head')).rejects.toBeInstanceOf(BoardDamagedError)
      // The board itself still opens: a damaged snapshot is the snapshot's problem alone.
      expect((await reopened.load(id)).entries.map((e) => e.offset)).toEqual([1, 2, 3])
    } finally {
      await reopened.close()
    }
  })
})
