import { boardSchema, createInitialRecords } from '@opificio/shared'
import { geoShape } from '@opificio/shared/testing'
import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { BoardSnapshot } from '../types.ts'
import { decodeSnapshot, encodeSnapshot } from './snapshotFormat.ts'

const snapshot = (): BoardSnapshot => ({
  offset: 12,
  // A newline and a separator inside values: the lines must still be the records.
  records: [...createInitialRecords('Pagina 1'), geoShape('a', { meta: { note: 'riga uno\nriga due\u2028fine' } })],
  clientSeqs: { clientAAAA: 3 },
  schema: boardSchema.serialize(),
})

/** A snapshot file with a good checksum over `body`. */
function file(magic: string, body: string) {
  const bytes = Buffer.from(body)
  const crc = crc32(bytes, crc32(`${bytes.length} 5`))
    .toString(16)
    .padStart(8, '0')
  return Buffer.concat([Buffer.from(`${magic} ${crc} ${bytes.length} 5\n`), bytes])
}

describe('snapshot files', () => {
  it('read back as written, with each record’s JSON as the file holds it', () => {
    const written = snapshot()
    const decoded = decodeSnapshot(encodeSnapshot(written, 1_700_000_000_000))
    if (!decoded.ok) throw new Error(decoded.reason)
    expect(decoded.snapshot).toEqual(written)
    expect(decoded.takenAt).toBe(1_700_000_000_000)
    expect(decoded.recordsJson?.map((j) => JSON.parse(Buffer.from(j).toString()))).toEqual(written.records)
  })

  it('hold an empty document', () => {
    const decoded = decodeSnapshot(encodeSnapshot({ ...snapshot(), records: [] }, 1))
    expect(decoded.ok && decoded.snapshot.records).toEqual([])
    expect(decoded.ok && decoded.recordsJson).toEqual([])
  })

  it('written whole, under the first header, are still read', () => {
    const decoded = decodeSnapshot(file('opificio-snapshot-1', JSON.stringify(snapshot())))
    expect(decoded.ok && decoded.snapshot).toEqual(snapshot())
    expect(decoded.ok && decoded.recordsJson).toBeUndefined()
  })

  it('whose records are not one per line are read, and their records serialized again as used', () => {
    const { records, ...rest } = snapshot()
    const decoded = decodeSnapshot(file('opificio-snapshot-2', `${JSON.stringify(rest)}\n${JSON.stringify(records)}`))
    expect(decoded.ok && decoded.snapshot).toEqual(snapshot())
    expect(decoded.ok && decoded.recordsJson).toBeUndefined()
  })

  it('with a record line damaged are refused, not read short', () => {
    const bytes = encodeSnapshot(snapshot(), 1)
    const cut = Buffer.concat([bytes.subarray(0, bytes.lastIndexOf(0x0a)), Buffer.alloc(bytes.length - bytes.lastIndexOf(0x0a), 0x20)])
    expect(decodeSnapshot(cut)).toEqual({ ok: false, reason: 'checksum mismatch' })
  })
})
