import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInitialRecords } from '@opificio/shared'
import { describe, expect, it } from 'vitest'
import { boardTag } from '../boardTag.ts'
import { EmbeddedStorage } from './embeddedStorage.ts'
import { recover } from './recover.ts'
import { silentLogger } from '../../observability/logger.ts'

const id = 'recoverboard1'

async function damagedBoard() {
  const dataDir = await mkdtemp(join(tmpdir(), 'opificio-recover-'))
  const engine = new EmbeddedStorage(dataDir, { logger: silentLogger })
  await engine.createBoard(
    { id, title: 't', createdAt: new Date().toISOString() },
    { offset: 0, records: createInitialRecords('P'), clientSeqs: {}, schema: {} },
    { facilitator: 'f', participant: 'p', projector: 'r' }
  )
  for (let s = 1; s <= 10; s++) await engine.append(id, { clientId: 'clientAAA', seq: s, diff: { [`shape:s${s}`]: ['remove'] } })
  await engine.close()
  const log = join(dataDir, 'boards', id, 'log-1.log')
  const original = await readFile(log)
  const bytes = Buffer.from(original)
  const seventh = bytes.toString('utf8').split('\n').slice(0, 6).join('\n').length + 1
  bytes[seventh + 30] ^= 0x04
  await writeFile(log, bytes)
  return { dataDir, log, original, seventh }
}

describe('recover.ts', () => {
  it('only reports without --to-last-good, and touches nothing', async () => {
    const { dataDir, log } = await damagedBoard()
    const before = await readFile(log)
    const out: string[] = []
    expect(await recover(dataDir, boardTag(id), false, (l) => out.push(l))).toBe(1)
    expect(out.join('\n')).toMatch(/log-1\.log: \d+ bytes, offsets 1\.\.6, DAMAGED at byte \d+ \(checksum mismatch\), 3 more lines after it/)
    expect(out.join('\n')).not.toContain(id)
    expect(await readFile(log)).toEqual(before)
  })

  it('with --to-last-good keeps the entries before the damage and sets the damaged segment aside', async () => {
    const { dataDir, log, seventh } = await damagedBoard()
    const damaged = await readFile(log)
    const out: string[] = []
    expect(await recover(dataDir, id, true, (l) => out.push(l))).toBe(0)
    expect(out.join('\n')).toContain('the board now holds snapshot 0 and the log through offset 6; what came after is only in the *.damaged files')
    expect(await readFile(`${log}.damaged`)).toEqual(damaged)
    expect((await readFile(log)).length).toBe(seventh)
    expect(await readdir(join(dataDir, 'boards', id))).toContain('log-1.log.damaged')
    const engine = new EmbeddedStorage(dataDir, { logger: silentLogger })
    expect((await engine.load(id)).entries.map((e) => e.offset)).toEqual([1, 2, 3, 4, 5, 6])
    expect(await engine.append(id, { clientId: 'clientAAA', seq: 7, diff: {} })).toEqual({ offset: 7, duplicate: false })
    await engine.close()
  })
})
