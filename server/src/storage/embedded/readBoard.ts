import { boardTag } from '../boardTag.ts'
import type { SnapshotInfo } from '../snapshotRetention.ts'
import { BoardDamagedError, type BoardSnapshot, type LogEntry } from '../types.ts'
import { listSnapshotFiles, readSegments, readSnapshotFile, snapshotName, type SegmentFile } from './boardFiles.ts'

/** What a board's directory holds once checked, and what opening it has to tidy. */
export interface BoardOnDisk {
  snapshot: BoardSnapshot
  /** Each of the snapshot's records as JSON, as its file holds them, when it holds them so. */
  recordsJson?: Uint8Array[]
  /** Snapshots kept as history, the one loaded included, oldest first. */
  snapshots: SnapshotInfo[]
  /** Entries after the snapshot, in order. */
  entries: LogEntry[]
  /** The last offset in the log or, if the log is empty, the snapshot's. */
  offset: number
  /** Start offsets of the segments, in order. */
  segments: number[]
  /** The last line of the last segment, cut short by a crash: never acknowledged, to be dropped. */
  torn: { segment: string; at: number; reason: string } | null
  /** Damaged snapshots newer than the one loaded, to be set aside; the log covers them. */
  damagedSnapshots: string[]
}

/**
 * Reads and checks a board's directory. Only a damaged final line is taken for a torn write;
 * any other damage (a bad line with lines after it, a bad line in an earlier segment, a hole in
 * the offsets, a damaged snapshot the log cannot stand in for) refuses the board with the file
 * and byte position, because opening it would silently drop acknowledged edits.
 */
export async function readBoard(dir: string, boardId: string): Promise<BoardOnDisk> {
  const hint = `inspect and repair with: npm exec -- tsx server/src/storage/embedded/recover.ts <DATA_DIR> ${boardTag(boardId)}`
  const damaged = (detail: string) => new BoardDamagedError(boardId, `${detail}; refusing to open it (${hint})`)
  const snapshots = await listSnapshotFiles(dir)
  // What the newest snapshot covers is parsed only if an older snapshot has to stand in for it.
  const segments = await readSegments(dir, snapshots.at(-1)?.offset)
  const log = checkLog(segments, damaged)
  if (snapshots.length === 0) throw damaged('no snapshot')
  const newest = snapshots.at(-1)!.offset

  const damagedSnapshots: { name: string; reason: string }[] = []
  for (const candidate of [...snapshots].reverse()) {
    const read = await readSnapshotFile(dir, candidate.offset)
    if (!read?.ok) {
      damagedSnapshots.push({ name: snapshotName(candidate.offset), reason: read ? read.reason : 'vanished' })
      continue
    }
    const { snapshot, recordsJson } = read
    // An older snapshot stands in for newer damaged ones only if the log replays every entry
    // from it to past the newest: then nothing is lost.
    const reachesBack = log.first === null ? snapshot.offset === newest : log.first <= snapshot.offset + 1
    const reachesForward = log.last === null || log.last >= newest
    if (snapshot.offset === newest && !reachesBack) throw damaged(`the log starts at ${log.first}, after its snapshot at ${newest}`)
    if (snapshot.offset === newest && !reachesForward) throw damaged(`the log ends at ${log.last}, before its snapshot at ${newest}`)
    if (!reachesBack || !reachesForward) break
    return {
      snapshot,
      recordsJson,
      snapshots: snapshots.filter((s) => s.offset <= snapshot.offset),
      entries: log.entries.filter((e) => e.offset > snapshot.offset),
      offset: Math.max(snapshot.offset, log.last ?? 0),
      segments: segments.map((s) => s.start),
      torn: log.torn,
      damagedSnapshots: damagedSnapshots.map((d) => d.name),
    }
  }
  const [worst] = damagedSnapshots
  throw damaged(`${worst.name} (${worst.reason}), and no older snapshot plus the log can stand in for it`)
}

/** The entries of every segment, checked to run on without a hole; the one torn line allowed. */
export function checkLog(segments: SegmentFile[], damaged: (detail: string) => Error) {
  const entries: LogEntry[] = []
  let first: number | null = null
  let expected: number | null = null
  let torn: BoardOnDisk['torn'] = null
  for (const [i, segment] of segments.entries()) {
    for (const [j, entry] of segment.entries.entries()) {
      first ??= entry.offset
      expected ??= entry.offset
      if (entry.offset !== expected) {
        throw damaged(`${segment.name} at byte ${segment.positions[j]} holds offset ${entry.offset} where ${expected} was due`)
      }
      expected++
      entries.push(entry)
    }
    const { damage } = segment
    if (!damage) continue
    const where = `${segment.name} at byte ${damage.at} of ${segment.size} (${damage.reason})`
    if (i < segments.length - 1) throw damaged(`${where}, in a segment that later ones follow`)
    if (!damage.final) throw damaged(`${where}, with more lines after it`)
    torn = { segment: segment.name, at: damage.at, reason: damage.reason }
  }
  return { entries, first, last: expected === null ? null : expected - 1, torn }
}
