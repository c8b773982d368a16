import { execFileSync } from 'node:child_process'
import { mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInitialRecords, type DocDiff } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppendResult, BoardSnapshot } from '../types.ts'
import { EmbeddedStorage } from './embeddedStorage.ts'
import { decodeSegment } from './logFormat.ts'
import { linesLogger } from '../../observability/logger.ts'

const THIS_TEST = 'server/src/storage/embedded/fullDisk.test.ts'
const isRoot = process.getuid?.() === 0
let mountPoint: string | null = null

beforeAll(async () => {
  if (!isRoot) return
  mountPoint = await mkdtemp(join(tmpdir(), 'opificio-fulldisk-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint])
})

afterAll(async () => {
  if (!mountPoint) return
  execFileSync('umount', [mountPoint])
  await rm(mountPoint, { recursive: true, force: true })
})

/** Fills the filesystem with one file, to the last byte it accepts. */
async function fill(path: string) {
  const handle = await open(path, 'w')
  try {
    for (const size of [65_536, 4096, 1]) {
      for (;;) {
        try {
          await handle.write(Buffer.alloc(size, 0x78))
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break
          throw e
        }
      }
    }
  } finally {
    await handle.close()
  }
}

const id = 'fulldiskboard1'
const bigDiff = (n: number): DocDiff =>
  ({ [`shape:s${n}`]: ['put', { id: `shape:s${n}`, typeName: 'shape', text: 'x'.repeat(3000) }] }) as unknown as DocDiff

describe('embedded storage on a full disk', () => {
  it('refuses writes while the disk is full, loses nothing acknowledged, and writes again once space returns', async () => {
    if (!mountPoint) {
      throw new Error(`this test mounts a 2 MB tmpfs and must run as root: sudo env "PATH=$PATH" npm exec -- vitest run ${THIS_TEST}`)
    }
    const dataDir = join(mountPoint, 'data')
    const logged: string[] = []
    let engine = new EmbeddedStorage(dataDir, { logger: linesLogger(logged) })
    const initial: BoardSnapshot = { offset: 0, records: createInitialRecords('P'), clientSeqs: {}, schema: {} }
    await engine.createBoard({ id, title: 't', createdAt: new Date().toISOString() }, initial, { facilitator: 'f', participant: 'p', projector: 'r' })

    // What each client's seq became: the ground truth the reopened board is checked against.
    const acked = new Map<number, number>()
    const refused = new Set<number>()
    const push = async (seq: number) => {
      let result: AppendResult
      try {
        result = await engine.append(id, { clientId: 'clientAAA', seq, diff: bigDiff(seq) })
      } catch {
        refused.add(seq)
        return
      }
      if (result.duplicate) throw new Error(`seq ${seq} taken for a duplicate`)
      refused.delete(seq)
      acked.set(seq, result.offset)
    }
    for (let seq = 1; seq <= 5; seq++) await push(seq)

    const filler = join(mountPoint, 'filler')
    await fill(filler)
    // Ten one at a time, then ten in one group commit: the first may still fit in the log's
    // last page, then writes come back short and fail.
    let seq = 5
    for (let i = 0; i < 10; i++) await push(++seq)
    await Promise.all(Array.from({ length: 10 }, () => push(++seq)))
    expect(refused.size).toBeGreaterThan(0)
    // A group is refused whole: none of its seqs is taken (the retries below would come back
    // as duplicates) and none of it reaches the log (checked below).
    const group = [++seq, ++seq, ++seq]
    await expect(
      engine.appendAll(
        id,
        group.map((s) => ({ clientId: 'clientAAA', seq: s, diff: bigDiff(s) }))
      )
    ).rejects.toThrow()
    for (const s of group) refused.add(s)
    await expect(
      engine.compact(id, {
        ...initial,
        offset: Math.max(...acked.values()),
        records: [
          ...initial.records,
          ...Array.from({ length: 200 }, (_, i) => ({ id: `shape:${i}`, typeName: 'shape', t: 'y'.repeat(100) }) as unknown as UnknownRecord),
        ],
      })
    ).rejects.toThrow(/ENOSPC/)
    const boardDir = join(dataDir, 'boards', id)
    expect((await readdir(boardDir)).filter((n) => n.endsWith('.tmp'))).toEqual([])
    // What a refused write had put down was cut off again: the log ends on a whole line.
    const log = decodeSegment(await readFile(join(boardDir, 'log-1.log')))
    expect(log.damage).toBeNull()
    expect(log.entries.map((e) => e.offset)).toEqual([...acked.values()])
    const ackedWhileFull = acked.size - 5

    await rm(filler)
    // As a room does: retry every refused seq, in order, without a restart.
    for (const retry of [...refused].sort((a, b) => a - b)) await push(retry)
    for (let i = 0; i < 5; i++) await push(++seq)
    expect(refused.size).toBe(0)
    const offsets = [...acked.values()]
    expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i + 1))
    await engine.compact(id, { ...initial, offset: 10, clientSeqs: {} })
    await engine.close()

    engine = new EmbeddedStorage(dataDir, { logger: linesLogger(logged) })
    const { snapshot, entries } = await engine.load(id)
    expect(snapshot.offset).toBe(10)
    const ackedAfter10 = [...acked].filter(([, o]) => o > 10).sort((a, b) => a[1] - b[1])
    expect(entries.map((e) => [e.seq, e.offset])).toEqual(ackedAfter10)
    for (const e of entries) expect(e.diff).toEqual(bigDiff(e.seq))
    // Entries the snapshot covers are still in the log kept behind it (back to the previous snapshot).
    const kept = decodeSegment(await readFile(join(boardDir, 'log-1.log'))).entries
    expect(kept.map((e) => [e.seq, e.offset])).toEqual([...acked].filter(([, o]) => o <= kept.at(-1)!.offset).sort((a, b) => a[1] - b[1]))
    console.log(`full disk: ${acked.size} acknowledged (${ackedWhileFull} while full), ${seq} pushed, ${acked.size} present after reopen, 0 lost`)
    await engine.close()
    expect(logged.filter((m) => m.includes(id))).toEqual([])
  })
})
