import { crc32 } from 'node:zlib'
import type { LogEntry } from '../types.ts'

/** Why a line of a segment cannot be trusted, and where it starts. */
export interface LineDamage {
  /** Byte position of the start of the damaged line. */
  at: number
  reason: string
  /** Nothing follows the damaged line: it may be the write a crash cut short. */
  final: boolean
}

export interface DecodedSegment {
  entries: LogEntry[]
  /** Byte position of each entry's line. */
  positions: number[]
  /** Bytes up to the first damaged line. */
  validBytes: number
  damage: LineDamage | null
}

const NEWLINE = 0x0a
const HEADER = 9

/**
 * One entry per line: the CRC-32 of the JSON in 8 hex digits, a space, the JSON, a newline.
 * A crash can leave a last line cut short or half-written; its CRC (or missing newline) gives
 * it away. Throws, writing nothing, for an entry that does not serialize into a line that
 * decodeSegment accepts: it must never reach the log.
 */
export function encodeEntry(entry: LogEntry): Buffer {
  const fields = { o: entry.offset, c: entry.clientId, s: entry.seq, d: entry.diff }
  const problem = checkFields(fields)
  if (problem) throw new Error(problem)
  const json = Buffer.from(JSON.stringify(fields))
  return Buffer.concat([Buffer.from(`${crc32(json).toString(16).padStart(8, '0')} `), json, Buffer.of(NEWLINE)])
}

/** Decodes a segment up to its first damaged line, and says where that line is. */
export function decodeSegment(bytes: Buffer): DecodedSegment {
  const entries: LogEntry[] = []
  const positions: number[] = []
  let pos = 0
  while (pos < bytes.length) {
    const end = bytes.indexOf(NEWLINE, pos)
    const parsed = end === -1 ? 'unterminated line' : parseLine(bytes.subarray(pos, end))
    if (typeof parsed === 'string') {
      const final = end === -1 || end + 1 === bytes.length
      return { entries, positions, validBytes: pos, damage: { at: pos, reason: parsed, final } }
    }
    entries.push(parsed)
    positions.push(pos)
    pos = end + 1
  }
  return { entries, positions, validBytes: pos, damage: null }
}

function parseLine(line: Buffer): LogEntry | string {
  if (line.length < HEADER || line[HEADER - 1] !== 0x20) return 'no checksum'
  const hex = line.subarray(0, HEADER - 1).toString('latin1')
  const json = line.subarray(HEADER)
  if (!/^[0-9a-f]{8}$/.test(hex) || parseInt(hex, 16) !== crc32(json)) return 'checksum mismatch'
  let raw: unknown
  try {
    raw = JSON.parse(json.toString('utf8'))
  } catch {
    return 'checksum matches but the JSON does not parse'
  }
  const problem = checkFields(raw)
  if (problem) return problem
  const { o, c, s, d } = raw as { o: number; c: string; s: number; d: LogEntry['diff'] }
  return { offset: o, clientId: c, seq: s, diff: d }
}

function checkFields(raw: unknown): string | null {
  const { o, c, s, d } = (raw ?? {}) as Record<string, unknown>
  if (!Number.isSafeInteger(o) || (o as number) < 1) return 'no valid offset'
  if (typeof c !== 'string' || !Number.isSafeInteger(s)) return 'no valid clientId and seq'
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return 'no valid diff'
  return null
}
