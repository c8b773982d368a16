import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { LogEntry } from '../types.ts'
import { decodeSegment, encodeEntry } from './logFormat.ts'

const entry = (offset: number): LogEntry => ({ offset, clientId: `client${offset}`, seq: offset * 10, diff: { [`shape:s${offset}`]: ['remove'] } })
const segment = (...entries: LogEntry[]) => Buffer.concat(entries.map(encodeEntry))
/** A line whose checksum holds over JSON that encodeEntry would never write. */
const forged = (json: string) => Buffer.from(`${crc32(Buffer.from(json)).toString(16).padStart(8, '0')} ${json}\n`)

describe('a log segment', () => {
  it('reads entries it was told to parse only once read as they were written', () => {
    const bytes = segment(entry(1), entry(2), entry(3), entry(4))
    const lazy = decodeSegment(bytes, 2)
    expect(lazy.entries.map((e) => ({ ...e }))).toEqual([1, 2, 3, 4].map(entry))
    expect(lazy.positions).toEqual(decodeSegment(bytes).positions)
    expect(lazy.damage).toBeNull()
  })

  it('still checks the checksum of an entry it does not parse', () => {
    const bytes = segment(entry(1), entry(2), entry(3))
    const second = bytes.indexOf(0x0a) + 1
    bytes[second + 20] ^= 0x04
    const decoded = decodeSegment(bytes, 3)
    expect(decoded.entries.map((e) => e.offset)).toEqual([1])
    expect(decoded.damage).toEqual({ at: second, reason: 'checksum mismatch', final: false })
  })

  it('says what is wrong with an entry left unparsed when it is read', () => {
    const bytes = Buffer.concat([forged('{"o":1,"c":5,"s":1,"d":{}}'), segment(entry(2))])
    expect(decodeSegment(bytes).damage?.reason).toBe('no valid clientId and seq')
    const [first, second] = decodeSegment(bytes, 1).entries
    expect(first.offset).toBe(1)
    expect(() => first.diff).toThrow('log entry 1: no valid clientId and seq')
    expect(second).toEqual(entry(2))
  })

  it('parses at once an entry whose offset is not where encodeEntry writes it', () => {
    const bytes = forged('{"c":"clientX","s":1,"o":1,"d":{}}')
    expect(decodeSegment(bytes, 5).entries).toEqual([{ offset: 1, clientId: 'clientX', seq: 1, diff: {} }])
  })
})
