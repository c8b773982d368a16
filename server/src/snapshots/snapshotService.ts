import { boardSchema, foldDocDiff, mapSource, sessionOf, SESSION_RECORD_ID, TEMPLATE_RECORD_ID, type DocDiff, type Refusal } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { randomBytes } from 'node:crypto'
import type { BoardSnapshot, SavedSnapshotMeta, StorageEngine } from '../storage/types.ts'
import { BoardState } from '../sync/rooms/boardState.ts'
import { appendAsServer, type ServerWriterId } from '../sync/serverWrites.ts'
import { boardDiff } from './boardDiff.ts'

/** The name restores are logged under. */
export const RESTORE_WRITER: ServerWriterId = 'server:restore'

/** What the panel lists: a facilitator's snapshot, or one the server kept on its own. */
export interface SnapshotListing extends Omit<SavedSnapshotMeta, 'kind'> {
  kind: SavedSnapshotMeta['kind'] | 'auto'
}

const AUTO = /^auto-(\d{1,15})$/

/** The board as every acknowledged edit left it: the storage's, not any node's fold, which may lag. */
export async function boardNow(storage: StorageEngine, boardId: string): Promise<BoardState> {
  const { snapshot, entries } = await storage.load(boardId)
  return new BoardState(snapshot, entries)
}

const recordsOf = (state: BoardState) => [...state.records.values()]

/**
 * Saves the board as it is now. Sealed dots stay behind: they are unreadable anywhere but in their
 * board's running vote, and a snapshot is opened and exported by others.
 */
export async function takeSnapshot(
  storage: StorageEngine,
  boardId: string,
  what: { kind: SavedSnapshotMeta['kind']; title: string; note: string; createdBy: string }
): Promise<SavedSnapshotMeta> {
  const state = await boardNow(storage, boardId)
  const meta: SavedSnapshotMeta = {
    id: randomBytes(9).toString('base64url'),
    kind: what.kind,
    phase: sessionOf((id) => state.records.get(id)).phase,
    title: what.title,
    note: what.note,
    createdAt: Date.now(),
    createdBy: what.createdBy,
  }
  const snapshot: BoardSnapshot = {
    offset: state.offset,
    records: recordsOf(state).filter((r) => r.typeName !== 'dot'),
    clientSeqs: {},
    schema: boardSchema.serialize(),
  }
  await storage.saveSnapshot(boardId, { meta, snapshot })
  return meta
}

/** The facilitators' snapshots, then those the server kept (automatic history), each oldest first. */
export async function listAll(storage: StorageEngine, boardId: string): Promise<SnapshotListing[]> {
  const [saved, kept] = await Promise.all([storage.listSavedSnapshots(boardId), storage.listSnapshots(boardId)])
  const auto: SnapshotListing[] = kept
    .filter((k) => k.offset > 0)
    .map((k) => ({ id: `auto-${k.offset}`, kind: 'auto', phase: null, title: '', note: '', createdAt: k.takenAt, createdBy: '' }))
  return [...saved, ...auto]
}

/** One snapshot's records, migrated to today's schema; null when the board has none by that id. */
export async function openSnapshot(
  storage: StorageEngine,
  boardId: string,
  id: string
): Promise<{ listing: SnapshotListing; records: UnknownRecord[] } | null> {
  const auto = AUTO.exec(id)
  if (auto) {
    const kept = await storage.readSnapshot(boardId, Number(auto[1]))
    if (!kept) return null
    const takenAt = (await storage.listSnapshots(boardId)).find((k) => k.offset === kept.offset)?.takenAt ?? 0
    const listing: SnapshotListing = { id, kind: 'auto', phase: null, title: '', note: '', createdAt: takenAt, createdBy: '' }
    return { listing, records: recordsOf(new BoardState({ ...kept, clientSeqs: {} }, [])).filter((r) => r.typeName !== 'dot') }
  }
  const saved = await storage.readSavedSnapshot(boardId, id)
  if (!saved) return null
  return { listing: saved.meta, records: recordsOf(new BoardState(saved.snapshot, [])) }
}

/**
 * Brings the board back to a snapshot through its own log, so every screen and node sees it like
 * any edit. The board as it was is saved first (kind before-restore, titled after the snapshot
 * restored), and restoring that one undoes the restore. The live session (phase, timer, summons)
 * is not part of what a snapshot brings back.
 */
export async function restoreSnapshot(
  storage: StorageEngine,
  boardId: string,
  id: string,
  by: string
): Promise<{ restored: SnapshotListing; backup: SavedSnapshotMeta; offset: number | null } | null> {
  const target = await openSnapshot(storage, boardId, id)
  if (!target) return null
  const now = await boardNow(storage, boardId)
  const then = new Map(target.records.map((r) => [r.id, r]))
  const diff: DocDiff | null = boardDiff(now.records, then, keptByRestore)
  if (diff) {
    // What the log would refuse is said now, not left to look like a restore that did nothing.
    const folded = foldDocDiff(mapSource(new Map(now.records)), diff)
    if (!folded.ok) throw new RestoreRefusedError(folded.refusal)
  }
  const backup = await takeSnapshot(storage, boardId, { kind: 'before-restore', title: target.listing.title, note: '', createdBy: by })
  const offset = diff ? await appendAsServer(storage, boardId, RESTORE_WRITER, diff) : null
  return { restored: target.listing, backup, offset }
}

/**
 * What a restore leaves as it is now: the live session (phase, timer, summons), sealed dots, and
 * the template, whose kinds and lines are never removed, so today's holds every one a snapshot
 * uses (an older one would take away a kind added since, and the log would refuse the restore).
 */
function keptByRestore(id: string): boolean {
  return id === SESSION_RECORD_ID || id === TEMPLATE_RECORD_ID || id.startsWith('dot:')
}

/** A restore the board's rules refuse, with why. */
export class RestoreRefusedError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.detail)
  }
}
