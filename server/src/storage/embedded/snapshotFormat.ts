import { crc32 } from 'node:zlib'
import { joinBytes } from '@opificio/shared'
import { recordsJsonOf } from '../snapshotJson.ts'
import type { BoardSnapshot } from '../types.ts'

const MAGIC = 'opificio-snapshot-2'
/** One JSON body for the whole snapshot: still read, no longer written. */
const MAGIC_WHOLE = 'opificio-snapshot-1'
const NEWLINE = 0x0a

export type DecodedSnapshot =
  | {
      ok: true
      snapshot: BoardSnapshot
      takenAt: number | null
      /** Each record's JSON as the file holds it (UTF-8), in the order of `snapshot.records`. */
      recordsJson?: Uint8Array[]
    }
  | { ok: false; reason: string }

/**
 * A header line `opificio-snapshot-2 <crc32 hex> <body bytes> <takenAt ms>`, then the body: a
 * line of JSON with everything but the records, then the records as a JSON array, one record per
 * line. The checksum (over the length, the date and the body) lets a load tell a damaged snapshot
 * from a good one instead of serving it. The array parses in one go, and its lines let a load
 * keep each record's JSON as it read it, where it would otherwise serialize the whole board again
 * for its first welcome.
 */
export function encodeSnapshot(snapshot: BoardSnapshot, takenAt: number, recordsJson?: Uint8Array[]): Buffer {
  const { records, ...rest } = snapshot
  // JSON.stringify escapes every newline inside a value: the lines are the records.
  const lines = recordsJsonOf(records, recordsJson)
  const joined = joinBytes(Buffer.from(`${JSON.stringify(rest)}\n[`), lines, Buffer.from(',\n'), Buffer.from(']'))
  const body = Buffer.from(joined.buffer, joined.byteOffset, joined.byteLength)
  const header = `${MAGIC} ${checksum(body.length, takenAt, body).toString(16).padStart(8, '0')} ${body.length} ${takenAt}\n`
  return Buffer.concat([Buffer.from(header), body])
}

function checksum(length: number, takenAt: number, body: Buffer) {
  return crc32(body, crc32(`${length} ${takenAt}`))
}

/** The header's date; null for a snapshot written before snapshots had headers. */
export function snapshotTakenAt(head: Buffer): number | null {
  const header = parseHeader(head)
  return header && typeof header !== 'string' ? header.takenAt : null
}

/**
 * Verifies and parses a snapshot file. Files written before the header existed are plain JSON
 * and carry no checksum: they are still read (takenAt null), checked only for their shape.
 */
export function decodeSnapshot(bytes: Buffer): DecodedSnapshot {
  const header = parseHeader(bytes)
  if (typeof header === 'string') return { ok: false, reason: header }
  let body = bytes
  if (header) {
    body = bytes.subarray(header.bodyStart)
    if (body.length !== header.length) return { ok: false, reason: `${body.length} bytes where the header says ${header.length}` }
    if (checksum(header.length, header.takenAt, body) !== header.crc) return { ok: false, reason: 'checksum mismatch' }
  }
  let snapshot: BoardSnapshot
  let recordsJson: Buffer[] | undefined
  try {
    if (header?.lines) {
      const split = body.indexOf(NEWLINE)
      const array = body.subarray(split + 1)
      const records: unknown = JSON.parse(array.toString('utf8'))
      snapshot = { ...(JSON.parse(body.subarray(0, split).toString('utf8')) as object), records } as BoardSnapshot
      recordsJson = Array.isArray(records) ? recordLines(array, records.length) : undefined
    } else {
      snapshot = JSON.parse(body.toString('utf8')) as BoardSnapshot
    }
  } catch {
    return { ok: false, reason: 'the JSON does not parse' }
  }
  if (
    typeof snapshot !== 'object' ||
    snapshot === null ||
    !Number.isSafeInteger(snapshot.offset) ||
    !Array.isArray(snapshot.records) ||
    typeof snapshot.clientSeqs !== 'object' ||
    snapshot.clientSeqs === null
  ) {
    return { ok: false, reason: 'not a snapshot' }
  }
  return { ok: true, snapshot, takenAt: header ? header.takenAt : null, ...(recordsJson ? { recordsJson } : {}) }
}

/**
 * Each record's JSON in an array of `count` written one record per line (`[a,\nb,\nc]`);
 * undefined where the array is laid out otherwise, and its records are serialized again as used.
 */
function recordLines(array: Buffer, count: number): Buffer[] | undefined {
  const lines: Buffer[] = []
  let start = 1
  for (let i = 0; i < count; i++) {
    const last = i === count - 1
    const end = last ? array.length - 1 : array.indexOf(NEWLINE, start) - 1
    if (end <= start || array[end] !== (last ? 0x5d : 0x2c) || array[start - 1] !== (i === 0 ? 0x5b : NEWLINE)) return undefined
    lines.push(array.subarray(start, end))
    start = end + 2
  }
  return lines
}

/** null: a legacy snapshot without a header; a string: a header that is present but damaged. */
function parseHeader(bytes: Buffer): { crc: number; length: number; takenAt: number; bodyStart: number; lines: boolean } | null | string {
  if (bytes[0] === 0x7b) return null
  const end = bytes.indexOf(0x0a)
  const parts = bytes
    .subarray(0, end === -1 ? Math.min(bytes.length, 100) : end)
    .toString('latin1')
    .split(' ')
  if (end === -1 || parts.length !== 4 || (parts[0] !== MAGIC && parts[0] !== MAGIC_WHOLE) || !/^[0-9a-f]{8}$/.test(parts[1])) return 'damaged header'
  const [length, takenAt] = [Number(parts[2]), Number(parts[3])]
  if (!Number.isSafeInteger(length) || !Number.isSafeInteger(takenAt)) return 'damaged header'
  return { crc: parseInt(parts[1], 16), length, takenAt, bodyStart: end + 1, lines: parts[0] === MAGIC }
}
