/** Every key of one board shares a hash tag, so a Redis Cluster keeps a board on one shard. */
export function boardKeys(prefix: string, boardId: string) {
  const base = `${prefix}{${boardId}}`
  return {
    meta: `${base}:meta`,
    /** The link tokens, as JSON: secrets, never sent to a client (none on a board made before role links). */
    access: `${base}:access`,
    log: `${base}:log`,
    seqs: `${base}:seqs`,
    offset: `${base}:offset`,
    snapshot: `${base}:snapshot`,
    snapshotOffset: `${base}:snapshot-offset`,
    /** Replaced snapshots kept as history: offset -> snapshot JSON. */
    history: `${base}:snapshot-history`,
    /** When each snapshot, current or kept, was taken: offset -> ms since the epoch. */
    snapshotTimes: `${base}:snapshot-times`,
    lease: `${base}:compaction-lease`,
    /** Facilitators' saved snapshots: id -> description JSON. */
    saved: `${base}:saved`,
    /** Their bodies: id -> snapshot JSON, read only when one is opened. */
    savedBodies: `${base}:saved-bodies`,
  }
}
export type BoardKeys = ReturnType<typeof boardKeys>

/** Stream ids are `<offset>-0`, so reading "after offset n" is reading after id `n-0`. */
export function streamId(offset: number) {
  return `${offset}-0`
}
export function offsetOfStreamId(id: string) {
  return Number(id.slice(0, id.indexOf('-')))
}
