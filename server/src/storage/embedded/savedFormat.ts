import { crc32 } from 'node:zlib'
import type { SavedSnapshot, SavedSnapshotMeta } from '../types.ts'

const MAGIC = 'opificio-saved-1'
/** Room enough for the header line and any description (a title and a note are short). */
export const SAVED_HEAD_BYTES = 64 * 1024

/**
 * A saved snapshot's file: a header line `opificio-saved-1 <meta bytes> <meta crc32> <body bytes>
 * <body crc32>`, the description's JSON, then the snapshot's. The description comes first with a
 * checksum of its own, so a list reads and verifies only the head of each file.
 */
export function encodeSaved(saved: SavedSnapshot): Buffer {
  const meta = Buffer.from(JSON.stringify(saved.meta))
  const body = Buffer.from(JSON.stringify(saved.snapshot))
  const header = `${MAGIC} ${meta.length} ${hex(crc32(meta))} ${body.length} ${hex(crc32(body))}\n`
  return Buffer.concat([Buffer.from(header), meta, body])
}

const hex = (n: number) => n.toString(16).padStart(8, '0')

interface Header {
  metaStart: number
  metaLength: number
  metaCrc: number
  bodyLength: number
  bodyCrc: number
}

function parseHeader(bytes: Buffer): Header | string {
  const end = bytes.indexOf(10)
  if (end < 0 || end > 200) return 'no header'
  const fields = bytes.subarray(0, end).toString('latin1').split(' ')
  if (fields.length !== 5 || fields[0] !== MAGIC) return 'not a saved snapshot'
  const [metaLength, bodyLength] = [Number(fields[1]), Number(fields[3])]
  const [metaCrc, bodyCrc] = [Number.parseInt(fields[2], 16), Number.parseInt(fields[4], 16)]
  if (![metaLength, bodyLength].every(Number.isSafeInteger) || ![metaCrc, bodyCrc].every(Number.isSafeInteger)) return 'a damaged header'
  return { metaStart: end + 1, metaLength, metaCrc, bodyLength, bodyCrc }
}

function parseMeta(bytes: Buffer, header: Header): SavedSnapshotMeta | string {
  const meta = bytes.subarray(header.metaStart, header.metaStart + header.metaLength)
  if (meta.length !== header.metaLength) return 'the description is cut short'
  if (crc32(meta) !== header.metaCrc) return 'checksum mismatch in the description'
  try {
    return JSON.parse(meta.toString('utf8')) as SavedSnapshotMeta
  } catch {
    return 'the description does not parse'
  }
}

/** How many bytes the header line and the description take, from the header line; null if it is not one. */
export function savedHeadLength(line: Buffer): number | null {
  const header = parseHeader(line)
  return typeof header === 'string' ? null : header.metaStart + header.metaLength
}

/** The description alone, from the head of the file (at least SAVED_HEAD_BYTES of it, or all). */
export function decodeSavedMeta(head: Buffer): { ok: true; meta: SavedSnapshotMeta } | { ok: false; reason: string } {
  const header = parseHeader(head)
  if (typeof header === 'string') return { ok: false, reason: header }
  const meta = parseMeta(head, header)
  return typeof meta === 'string' ? { ok: false, reason: meta } : { ok: true, meta }
}

/** The whole saved snapshot, every byte verified. */
export function decodeSaved(bytes: Buffer): { ok: true; saved: SavedSnapshot } | { ok: false; reason: string } {
  const header = parseHeader(bytes)
  if (typeof header === 'string') return { ok: false, reason: header }
  const meta = parseMeta(bytes, header)
  if (typeof meta === 'string') return { ok: false, reason: meta }
  const body = bytes.subarray(header.metaStart + header.metaLength)
  if (body.length !== header.bodyLength) return { ok: false, reason: `${body.length} bytes of snapshot where the header says ${header.bodyLength}` }
  if (crc32(body) !== header.bodyCrc) return { ok: false, reason: 'checksum mismatch in the snapshot' }
  try {
    return { ok: true, saved: { meta, snapshot: JSON.parse(body.toString('utf8')) } }
  } catch {
    return { ok: false, reason: 'the snapshot does not parse' }
  }
}
