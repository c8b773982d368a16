import type { SavedSnapshot, SavedSnapshotMeta } from './types.ts'

const ID = /^[A-Za-z0-9_-]{1,64}$/

/**
 * The description of a saved snapshot as every engine stores it: checked, and copied field by
 * field, so nothing else a caller put on it is stored. The id names a file on the embedded
 * engine, so it is checked before anything else; a TypeError names the field, never its value.
 */
export function savedMetaOf(meta: SavedSnapshotMeta): SavedSnapshotMeta {
  if (typeof meta?.id !== 'string' || !ID.test(meta.id)) throw new TypeError("a saved snapshot's id must be 1-64 letters, digits, _ or -")
  if (meta.kind !== 'phase' && meta.kind !== 'before-restore') throw new TypeError("a saved snapshot's kind must be phase or before-restore")
  if (meta.phase !== null && !Number.isSafeInteger(meta.phase)) throw new TypeError("a saved snapshot's phase must be an integer or null")
  for (const field of ['title', 'note', 'createdBy'] as const) {
    if (typeof meta[field] !== 'string') throw new TypeError(`a saved snapshot's ${field} must be a string`)
  }
  if (!Number.isSafeInteger(meta.createdAt)) throw new TypeError("a saved snapshot's createdAt must be an integer")
  return { id: meta.id, kind: meta.kind, phase: meta.phase, title: meta.title, note: meta.note, createdAt: meta.createdAt, createdBy: meta.createdBy }
}

/** Whether `id` can name a saved snapshot: anything else is simply not one (null), not an error. */
export function isSavedSnapshotId(id: string): boolean {
  return ID.test(id)
}

/** The stored form, without client seqs (a saved snapshot is never loaded as the board). */
export function savedSnapshotOf(saved: SavedSnapshot): SavedSnapshot {
  return { meta: savedMetaOf(saved.meta), snapshot: { ...saved.snapshot, clientSeqs: {} } }
}

/** Oldest first, as every engine lists them; the id settles a tie. */
export function oldestFirst(metas: SavedSnapshotMeta[]): SavedSnapshotMeta[] {
  return metas.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
