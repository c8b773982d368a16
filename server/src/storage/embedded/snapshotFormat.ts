import { crc32 } from 'node:zlib'
import type { BoardSnapshot } from '../types.ts'

const MAGIC = 'opificio-snapshot-1'

export type DecodedSnapshot = { ok: true; snapshot: BoardSnapshot; takenAt: number | null } | { ok: false; reason: string }

/**
 * A header line `opificio-snapshot-1 <crc32 hex> <body bytes> <takenAt ms>`, then the snapshot's
 * JSON. The checksum (over the length, the date and the body) lets a load tell a damaged
 * snapshot from a good one instead of serving it.
 */
export function encodeSnapshot(snapshot: BoardSnapshot, takenAt: number): Buffer {
  const body = Buffer.from(JSON.stringify(snapshot))
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
  try {
    snapshot = JSON.parse(body.toString('utf8')) as BoardSnapshot
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
  return { ok: true, snapshot, takenAt: header ? header.takenAt : null }
}

/** null: a legacy snapshot without a header; a string: a header that is present but damaged. */
function parseHeader(bytes: Buffer): { crc: number; length: number; takenAt: number; bodyStart: number } | null | string {
  if (bytes[0] === 0x7b) return null
  const end = bytes.indexOf(0x0a)
  const parts = bytes
    .subarray(0, end === -1 ? Math.min(bytes.length, 100) : end)
    .toString('latin1')
    .split(' ')
  if (end === -1 || parts.length !== 4 || parts[0] !== MAGIC || !/^[0-9a-f]{8}$/.test(parts[1])) return 'damaged header'
  const [length, takenAt] = [Number(parts[2]), Number(parts[3])]
  if (!Number.isSafeInteger(length) || !Number.isSafeInteger(takenAt)) return 'damaged header'
  return { crc: parseInt(parts[1], 16), length, takenAt, bodyStart: end + 1 }
}
