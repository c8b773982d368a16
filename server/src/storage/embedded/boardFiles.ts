import { open, readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseStoredAccess } from '../access.ts'
import type { SnapshotInfo } from '../snapshotRetention.ts'
import type { BoardAccess } from '../types.ts'
import { decodeSegment, type DecodedSegment } from './logFormat.ts'
import { decodeSnapshot, snapshotTakenAt, type DecodedSnapshot } from './snapshotFormat.ts'

/**
 * A board's directory: `meta.json`, `access.json` (its link tokens, mode 0600; none on a board
 * made before role links), `snapshot-<offset>.json` and `log-<first offset>.log` files.
 */
const SEGMENT = /^log-(\d+)\.log$/
const SNAPSHOT = /^snapshot-(\d+)\.json$/

export const segmentName = (start: number) => `log-${start}.log`
export const snapshotName = (offset: number) => `snapshot-${offset}.json`
export const META_FILE = 'meta.json'
export const ACCESS_FILE = 'access.json'
/** Only the server's user may read the tokens. */
export const ACCESS_FILE_MODE = 0o600

/** The board's link tokens, checked; null if it has no access.json. Damage is reported without the file's text. */
export async function readAccessFile(dir: string): Promise<{ access: BoardAccess | null } | { damage: string }> {
  let raw: string
  try {
    raw = await readFile(join(dir, ACCESS_FILE), 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { access: null }
    throw e
  }
  return parseStoredAccess(raw)
}

function numbered(names: string[], pattern: RegExp): number[] {
  return names.flatMap((n) => (pattern.test(n) ? [Number(pattern.exec(n)![1])] : [])).sort((a, b) => a - b)
}

/** The snapshots in the directory, oldest first, dated by their header (by mtime before headers existed). */
export async function listSnapshotFiles(dir: string): Promise<SnapshotInfo[]> {
  const found: SnapshotInfo[] = []
  for (const offset of numbered(await readdir(dir), SNAPSHOT)) {
    const path = join(dir, snapshotName(offset))
    let handle
    try {
      handle = await open(path, 'r')
    } catch (e) {
      // Pruned by a compaction between the listing and now.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw e
    }
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(128), 0, 128, 0)
      const takenAt = snapshotTakenAt(buffer.subarray(0, bytesRead)) ?? (await handle.stat()).mtimeMs
      found.push({ offset, takenAt: Math.round(takenAt) })
    } finally {
      await handle.close()
    }
  }
  return found
}

/** One snapshot, verified; null if there is no such file. */
export async function readSnapshotFile(dir: string, offset: number): Promise<DecodedSnapshot | null> {
  let bytes: Buffer
  try {
    bytes = await readFile(join(dir, snapshotName(offset)))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
  const decoded = decodeSnapshot(bytes)
  if (decoded.ok && decoded.snapshot.offset !== offset) return { ok: false, reason: `holds offset ${decoded.snapshot.offset}` }
  if (decoded.ok && decoded.takenAt === null) decoded.takenAt = Math.round((await stat(join(dir, snapshotName(offset)))).mtimeMs)
  return decoded
}

export interface SegmentFile extends DecodedSegment {
  name: string
  /** The first offset it was opened for: a hint for ordering, the entries inside are the truth. */
  start: number
  size: number
}

/** Every log segment of the board, decoded, in order; entries through `lazyThrough` parsed once read (decodeSegment). */
export async function readSegments(dir: string, lazyThrough = 0): Promise<SegmentFile[]> {
  const segments: SegmentFile[] = []
  for (const start of numbered(await readdir(dir), SEGMENT)) {
    const bytes = await readFile(join(dir, segmentName(start)))
    segments.push({ name: segmentName(start), start, size: bytes.length, ...decodeSegment(bytes, lazyThrough) })
  }
  return segments
}
