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

/**
 * Decodes a segment up to its first damaged line, and says where that line is. An entry at or
 * before `lazyThrough` is checked (its checksum, its offset) but its JSON is parsed only once read:
 * a load from a snapshot past it never reads it.
 */
export function decodeSegment(bytes: Buffer, lazyThrough = 0): DecodedSegment {
  const entries: LogEntry[] = []
  const positions: number[] = []
  let pos = 0
  while (pos < bytes.length) {
    const end = bytes.indexOf(NEWLINE, pos)
    const parsed = end === -1 ? 'unterminated line' : parseLine(bytes.subarray(pos, end), lazyThrough)
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

function parseLine(line: Buffer, lazyThrough: number): LogEntry | string {
  if (line.length < HEADER || line[HEADER - 1] !== 0x20) return 'no checksum'
  const hex = line.subarray(0, HEADER - 1).toString('latin1')
  const json = line.subarray(HEADER)
  if (!/^[0-9a-f]{8}$/.test(hex) || parseInt(hex, 16) !== crc32(json)) return 'checksum mismatch'
  const offset = leadingOffset(json)
  return offset !== null && offset <= lazyThrough ? lazyEntry(offset, json) : parseEntry(json)
}

/** The offset encodeEntry writes first (`{"o":123,`), read without parsing the rest. */
function leadingOffset(json: Buffer): number | null {
  const m = /^\{"o":([1-9][0-9]{0,15}),/.exec(json.subarray(0, 24).toString('latin1'))
  return m && Number.isSafeInteger(Number(m[1])) ? Number(m[1]) : null
}

/** An entry whose checksum held: parsed, and checked, when a field is first read. */
function lazyEntry(offset: number, json: Buffer): LogEntry {
  let entry: LogEntry | undefined
  const parsed = (): LogEntry => {
    if (entry) return entry
    const read = parseEntry(json)
    if (typeof read === 'string' || read.offset !== offset)
      throw new Error(`log entry ${offset}: ${typeof read === 'string' ? read : 'offset mismatch'}`)
    entry = read
    return entry
  }
  return {
    offset,
    get clientId() {
      return parsed().clientId
    },
    get seq() {
      return parsed().seq
    },
    get diff() {
      return parsed().diff
    },
  }
}

function parseEntry(json: Buffer): LogEntry | string {
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
