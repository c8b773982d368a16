import type { BoardMeta, DocDiff } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { boardTag } from './boardTag.ts'

/** One position of a board's log. Offsets start at 1 and have no gaps. */
export interface LogEntry {
  offset: number
  clientId: string
  seq: number
  diff: DocDiff
}

export interface Push {
  clientId: string
  seq: number
  diff: DocDiff
}

/** The document folded up to `offset`, with each client's last seq so retries stay idempotent. */
export interface BoardSnapshot {
  offset: number
  records: UnknownRecord[]
  clientSeqs: Record<string, number>
  /** The serialized tldraw schema the records were written with, for migrating after a deploy. */
  schema: unknown
  /**
   * The record checks (recordChecks) every record here passed, where the room that wrote it knew
   * they all had: a load under the same checks checks only what the log changed after it.
   */
  checkedBy?: string
}

/**
 * A facilitator's snapshot: a phase's output, or the board as it was just before a restore.
 * Never changed once saved, kept for the life of the board.
 */
export interface SavedSnapshotMeta {
  /** Made by the server: letters, digits, _ and -. */
  id: string
  kind: 'phase' | 'before-restore'
  /** The board's phase when it was taken; null outside the phases. */
  phase: number | null
  title: string
  note: string
  /** Milliseconds since the epoch. */
  createdAt: number
  /** The facilitator's display name, as they gave it. */
  createdBy: string
}

export interface SavedSnapshot {
  meta: SavedSnapshotMeta
  /** The board at the log offset it was taken at, with the schema it was written with; no client seqs. */
  snapshot: BoardSnapshot
}

export type AppendResult = { offset: number; duplicate: false } | { duplicate: true }

export type Unsubscribe = () => void

/** The secret tokens of a board's role links. Server-side only: never sent in a welcome, never logged. */
export interface BoardAccess {
  facilitator: string
  participant: string
  projector: string
  /** The key that seals the dots of the board's votes until they are counted (base64url, 256 bits). */
  sealKey?: string
}

/**
 * Where boards live: their metadata, their ordered log and compacted snapshots.
 * Every engine passes the same contract suite (storage/contract.ts).
 */
export interface StorageEngine {
  /** Creates the board with its metadata, its first snapshot and its link tokens, all durable before it resolves. */
  createBoard(meta: BoardMeta, initial: BoardSnapshot, access: BoardAccess): Promise<void>
  getBoard(id: string): Promise<BoardMeta | null>
  /** The board's link tokens; null for a board that has none (made before role links) or does not exist. */
  getAccess(boardId: string): Promise<BoardAccess | null>
  /** Replaces the board's link tokens (a rotation), durably, before it resolves; BoardNotFoundError for an unknown board. */
  setAccess(boardId: string, access: BoardAccess): Promise<void>
  /**
   * Appends a push at the next offset unless (clientId, seq) is at or below the client's last
   * appended seq. Resolves only once the entry is durable.
   */
  append(boardId: string, push: Push): Promise<AppendResult>
  /**
   * Appends pushes as `append` does, one after another, all in one step: every one is stored
   * (or answered as a duplicate), or none is. Resolves, with each push's result, once all are
   * durable.
   */
  appendAll(boardId: string, pushes: Push[]): Promise<AppendResult[]>
  /**
   * The latest snapshot and every entry after it, in order; and each of the snapshot's records
   * as JSON in UTF-8, in order, where the engine read them so (saves serializing them again).
   */
  load(boardId: string): Promise<{ snapshot: BoardSnapshot; entries: LogEntry[]; recordsJson?: Uint8Array[] }>
  /**
   * Calls `onEntries` with every entry after `after`, in offset order, each once, as they
   * become durable. The one source of order for broadcasting.
   */
  subscribe(boardId: string, after: number, onEntries: (entries: LogEntry[]) => void): Unsubscribe
  /**
   * Stores the snapshot durably; entries at or below its offset may then be discarded. Older
   * snapshots are kept as history (storage/snapshotRetention.ts). `recordsJson`, where the caller
   * has it: each record's JSON in UTF-8, in order, which an engine may store as it is instead of
   * serializing the whole board again on the caller's event loop.
   */
  compact(boardId: string, snapshot: BoardSnapshot, recordsJson?: Uint8Array[]): Promise<void>
  /** The snapshots kept for the board, oldest first, so an operator can undo vandalism. */
  listSnapshots(boardId: string): Promise<{ offset: number; takenAt: number }[]>
  /** One kept snapshot, or null if none is kept at that offset. */
  readSnapshot(boardId: string, offset: number): Promise<BoardSnapshot | null>
  /** The ids of every board stored: for the rare request that names no board (an import). */
  boardIds(): Promise<string[]>
  /** Stores a facilitator's snapshot, durably; SnapshotExistsError if its id is taken, BoardNotFoundError for an unknown board. */
  saveSnapshot(boardId: string, saved: SavedSnapshot): Promise<void>
  /** The board's saved snapshots' descriptions, oldest first. */
  listSavedSnapshots(boardId: string): Promise<SavedSnapshotMeta[]>
  /** One saved snapshot as it was stored, or null if the board has none by that id. */
  readSavedSnapshot(boardId: string, id: string): Promise<SavedSnapshot | null>
  close(): Promise<void>
}

/** A saved snapshot is never replaced: a second one under its id is refused. */
export class SnapshotExistsError extends Error {
  constructor(id: string) {
    super(`a snapshot ${id} is already saved`)
  }
}

export class BoardNotFoundError extends Error {
  constructor(boardId: string) {
    super(`board ${boardTag(boardId)} not found`)
  }
}

/** Stored data that fails its checks: the board is refused rather than opened with a part missing. */
export class BoardDamagedError extends Error {
  constructor(boardId: string, detail: string) {
    super(`board ${boardTag(boardId)} is damaged: ${detail}`)
  }
}

/** A push that cannot be serialized (a cycle, absurd nesting): it is refused, and nothing else. */
export class UnstorableEntryError extends Error {}
