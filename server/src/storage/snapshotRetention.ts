export interface SnapshotInfo {
  offset: number
  /** Milliseconds since the epoch. */
  takenAt: number
}

const HOUR = 3_600_000
const KEEP_NEWEST = 10
const HOURLY_FOR = 7 * 24 * HOUR

/**
 * The snapshots a board keeps so an operator can undo vandalism: the newest ten, however fast
 * the board is edited, and for the last seven days the first snapshot of every hour, i.e. the
 * board as it was when each hour began. Both engines prune with this one policy.
 */
export function snapshotsToKeep(snapshots: SnapshotInfo[], now: number): Set<number> {
  const newestFirst = [...snapshots].sort((a, b) => b.offset - a.offset)
  const keep = new Set(newestFirst.slice(0, KEEP_NEWEST).map((s) => s.offset))
  const firstOfHour = new Map<number, number>()
  for (const s of newestFirst) {
    if (now - s.takenAt > HOURLY_FOR) continue
    // Walking newest first, the last one seen in an hour is its first by offset, which unlike
    // the clock can never go backwards.
    firstOfHour.set(Math.floor(s.takenAt / HOUR), s.offset)
  }
  for (const offset of firstOfHour.values()) keep.add(offset)
  return keep
}
