import { crc32 } from 'node:zlib'
import type { LogEntry } from '../types.ts'

/**
 * One entry per line: the CRC-32 of the JSON in hex, a space, the JSON, a newline. A crash can
 * leave a last line cut short or half-written; its CRC (or missing newline) gives it away.
 */
export function encodeEntry(entry: LogEntry): string {
  const json = JSON.stringify({ o: entry.offset, c: entry.clientId, s: entry.seq, d: entry.diff })
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`
}

/** Parses a segment's text; stops at the first line that is torn or corrupt. */
export function decodeSegment(text: string): { entries: LogEntry[]; validBytes: number; torn: boolean } {
  const entries: LogEntry[] = []
  let pos = 0
  while (pos < text.length) {
    const end = text.indexOf('\n', pos)
    if (end === -1) return { entries, validBytes: Buffer.byteLength(text.slice(0, pos)), torn: true }
    const line = text.slice(pos, end)
    const json = line.slice(9)
    if (line[8] !== ' ' || parseInt(line.slice(0, 8), 16) !== crc32(json)) {
      return { entries, validBytes: Buffer.byteLength(text.slice(0, pos)), torn: true }
    }
    const raw = JSON.parse(json) as { o: number; c: string; s: number; d: LogEntry['diff'] }
    entries.push({ offset: raw.o, clientId: raw.c, seq: raw.s, diff: raw.d })
    pos = end + 1
  }
  return { entries, validBytes: Buffer.byteLength(text), torn: false }
}
