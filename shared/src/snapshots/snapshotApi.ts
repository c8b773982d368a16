import type { UnknownRecord } from '@tldraw/store'
import { T } from '@tldraw/validate'
import { normalizeBoardTitle } from '../boards/board.ts'

/**
 * The snapshots of a board as the HTTP API gives them (`/api/boards/:id/snapshots`): a
 * facilitator's phase output, the board as it was before a restore, or one the server kept on
 * its own (automatic history).
 */
export interface SnapshotInfo {
  id: string
  kind: 'phase' | 'before-restore' | 'auto'
  /** The phase the board was in; null outside the phases (and for automatic ones). */
  phase: number | null
  /** For a before-restore snapshot: the title of the snapshot that was restored. */
  title: string
  note: string
  /** ISO 8601. */
  createdAt: string
  /** The facilitator's display name; '' for automatic ones. */
  createdBy: string
}

/** One snapshot opened: its description and the board's records as they were. */
export interface OpenedSnapshot extends SnapshotInfo {
  records: UnknownRecord[]
}

export const SNAPSHOT_NOTE_MAX = 2000
export const AUTHOR_MAX = 80

/** Free text a person typed: Unicode-normal, no control characters, bounded. */
const text = (max: number, what: string) =>
  T.string.check((s) => {
    if ([...s].length > max) throw new Error(`${what} must be at most ${max} characters`)
    // Line breaks are fine in a note; other controls and bidi overrides never are.
    if (/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(s))
      throw new Error(`${what} must not contain control characters`)
  })

/** `POST /api/boards/:id/snapshots`. */
export interface TakeSnapshotBody {
  title: string
  note: string
  /** The facilitator's display name, as the page knows it. */
  author: string
}
export const takeSnapshotBodyValidator: T.Validator<TakeSnapshotBody> = T.object({
  title: T.string.refine(normalizeBoardTitle),
  note: text(SNAPSHOT_NOTE_MAX, 'note').optional(),
  author: text(AUTHOR_MAX, 'author').optional(),
}).refine((b) => ({ title: b.title, note: (b.note ?? '').normalize('NFC'), author: (b.author ?? '').normalize('NFC').trim() }))

/** `POST /api/boards/:id/snapshots/:snapshotId/restore` and `/board`: who asks, and for a new board its title. */
export interface SnapshotActionBody {
  author: string
  title?: string
}
export const snapshotActionBodyValidator: T.Validator<SnapshotActionBody> = T.object({
  author: text(AUTHOR_MAX, 'author').optional(),
  title: T.string.refine(normalizeBoardTitle).optional(),
}).refine((b) => ({ author: (b.author ?? '').normalize('NFC').trim(), ...(b.title !== undefined ? { title: b.title } : {}) }))
