import type { BoardMeta } from '@opificio/shared'
import { planAppends } from '../appendPlan.ts'
import { boardTag } from '../boardTag.ts'
import { accessOf } from '../access.ts'
import { snapshotsToKeep, type SnapshotInfo } from '../snapshotRetention.ts'
import { Subscribers } from '../subscribers.ts'
import { oldestFirst, savedSnapshotOf } from '../savedSnapshots.ts'
import {
  BoardNotFoundError,
  SnapshotExistsError,
  type AppendResult,
  type BoardAccess,
  type BoardSnapshot,
  type LogEntry,
  type Push,
  type SavedSnapshot,
  type SavedSnapshotMeta,
  type StorageEngine,
  type Unsubscribe,
} from '../types.ts'
import { consoleLogger, type Logger } from '../../observability/logger.ts'

/** One board as the memory engine keeps it. Nothing in here is ever handed to a caller. */
interface StoredBoard {
  tag: string
  meta: BoardMeta
  /** The link tokens; null for a board made before role links (only a test can make one). */
  access: BoardAccess | null
  /** The last offset given out, queued entries included. */
  offset: number
  /** The last offset stored: what load, subscribers and compact see. */
  durable: number
  clientSeqs: Map<string, number>
  snapshot: BoardSnapshot
  /** Every kept snapshot, the current one included, by offset. */
  history: Map<number, { snapshot: BoardSnapshot; takenAt: number }>
  /** Stored entries after the snapshot, in order. */
  entries: LogEntry[]
  /** Appended, given an offset, not yet stored. */
  queue: LogEntry[]
  /** The pending store of the queue, if one is scheduled. */
  flushing: Promise<void> | null
  subscribers: Subscribers
  /** Facilitators' snapshots, in the order they were saved. */
  saved: Map<string, SavedSnapshot>
}

/**
 * What a memory engine keeps its boards in: its "disk". A MemoryStorage opened over the store of
 * one that was closed sees everything that one stored, as another EmbeddedStorage over the same
 * DATA_DIR would.
 */
export class MemoryStore {
  /** @internal */
  readonly boards = new Map<string, StoredBoard>()
}

export interface MemoryStorageOptions {
  /** Share one with an engine opened before (a reopen); a fresh one by default. */
  store?: MemoryStore
  logger?: Logger
}

/**
 * Like the other engines serialise: what a caller passes in or gets back is its own copy, so
 * mutating it never changes what is stored. A value that does not serialise (a cycle) throws.
 */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

/**
 * Boards in this process's memory, for room and API unit tests that need no disk: nothing
 * survives the process. The same contract as the other engines (storage/contract.ts): offsets
 * from 1 without gaps, (clientId, seq) dedupe, appends of one event-loop turn stored together and
 * acknowledged once stored, delivery through the same subscriber bookkeeping, snapshot history by
 * the same retention policy.
 */
export class MemoryStorage implements StorageEngine {
  readonly store: MemoryStore
  private readonly logger: Logger
  /** This engine's subscriptions, ended when it closes. */
  private readonly subscriptions = new Set<Unsubscribe>()
  private closed = false

  constructor(opts: MemoryStorageOptions = {}) {
    this.store = opts.store ?? new MemoryStore()
    this.logger = opts.logger ?? consoleLogger
  }

  private checkOpen() {
    if (this.closed) throw new Error('storage is closed')
  }

  private board(id: string): StoredBoard {
    this.checkOpen()
    const board = this.store.boards.get(id)
    if (!board) throw new BoardNotFoundError(id)
    return board
  }

  async createBoard(meta: BoardMeta, initial: BoardSnapshot, access: BoardAccess): Promise<void> {
    this.checkOpen()
    if (this.store.boards.has(meta.id)) throw new Error(`board ${boardTag(meta.id)} already exists`)
    const snapshot = copy(initial)
    this.store.boards.set(meta.id, {
      tag: boardTag(meta.id),
      meta: copy(meta),
      access: accessOf(access),
      offset: snapshot.offset,
      durable: snapshot.offset,
      clientSeqs: new Map(Object.entries(snapshot.clientSeqs)),
      snapshot,
      history: new Map([[snapshot.offset, { snapshot, takenAt: Date.now() }]]),
      entries: [],
      queue: [],
      flushing: null,
      subscribers: new Subscribers(),
      saved: new Map(),
    })
  }

  async getBoard(id: string): Promise<BoardMeta | null> {
    this.checkOpen()
    const board = this.store.boards.get(id)
    return board ? copy(board.meta) : null
  }

  async getAccess(boardId: string): Promise<BoardAccess | null> {
    this.checkOpen()
    const access = this.store.boards.get(boardId)?.access
    return access ? accessOf(access) : null
  }

  async setAccess(boardId: string, access: BoardAccess): Promise<void> {
    this.board(boardId).access = accessOf(access)
  }

  async append(boardId: string, push: Push): Promise<AppendResult> {
    return (await this.appendAll(boardId, [push]))[0]
  }

  async appendAll(boardId: string, pushes: Push[]): Promise<AppendResult[]> {
    const board = this.board(boardId)
    const planned = planAppends(board.tag, pushes, board.offset, board.clientSeqs, copy)
    for (const entry of planned) {
      if (!entry) continue
      board.offset = entry.offset
      board.clientSeqs.set(entry.clientId, entry.seq)
      board.queue.push(entry)
    }
    await this.flush(board)
    return planned.map((entry): AppendResult => (entry ? { offset: entry.offset, duplicate: false } : { duplicate: true }))
  }

  /**
   * Stores what is queued and delivers it, in a microtask of its own: as with the embedded
   * engine's group commit, subscribers are never called from inside append or subscribe, and
   * are given an entry before its append resolves.
   */
  private flush(board: StoredBoard): Promise<void> {
    board.flushing ??= Promise.resolve().then(() => {
      board.flushing = null
      const batch = board.queue.splice(0)
      if (batch.length > 0) {
        board.entries.push(...batch)
        board.durable = batch.at(-1)!.offset
      }
      try {
        board.subscribers.deliver(board.entries)
      } catch (e) {
        this.logger.error(`board ${board.tag}: a subscriber failed`, (e as Error).message)
      }
    })
    return board.flushing
  }

  async load(boardId: string): Promise<{ snapshot: BoardSnapshot; entries: LogEntry[] }> {
    const board = this.board(boardId)
    return { snapshot: copy(board.snapshot), entries: copy(board.entries) }
  }

  subscribe(boardId: string, after: number, onEntries: (entries: LogEntry[]) => void): Unsubscribe {
    let board: StoredBoard
    try {
      board = this.board(boardId)
      if (after < board.snapshot.offset) throw new Error(`board ${board.tag}: log compacted past ${after}`)
    } catch (e) {
      this.logger.error('subscribe failed', (e as Error).message)
      return () => undefined
    }
    // Each subscriber is given its own copy: what one does with its entries touches no one else.
    const remove = board.subscribers.add(after, (entries) => onEntries(copy(entries)))
    const unsubscribe = () => {
      remove()
      this.subscriptions.delete(unsubscribe)
    }
    this.subscriptions.add(unsubscribe)
    // Caught up with what is already stored, from a microtask like any later delivery.
    void this.flush(board)
    return unsubscribe
  }

  async compact(boardId: string, given: BoardSnapshot): Promise<void> {
    const board = this.board(boardId)
    const snapshot = copy(given)
    // Appends queued before this compaction are stored first, as on the embedded engine's lane.
    if (board.flushing) await board.flushing
    if (snapshot.offset <= board.snapshot.offset) return
    if (snapshot.offset > board.durable) throw new Error('snapshot is ahead of the log')
    const takenAt = Date.now()
    board.snapshot = snapshot
    board.entries = board.entries.filter((e) => e.offset > snapshot.offset)
    board.history.set(snapshot.offset, { snapshot, takenAt })
    const infos = [...board.history].map(([offset, kept]) => ({ offset, takenAt: kept.takenAt }))
    const keep = snapshotsToKeep(infos, Date.now())
    for (const { offset } of infos) {
      if (!keep.has(offset) && offset !== snapshot.offset) board.history.delete(offset)
    }
  }

  async listSnapshots(boardId: string): Promise<SnapshotInfo[]> {
    const board = this.board(boardId)
    return [...board.history].map(([offset, kept]) => ({ offset, takenAt: kept.takenAt })).sort((a, b) => a.offset - b.offset)
  }

  async readSnapshot(boardId: string, offset: number): Promise<BoardSnapshot | null> {
    const kept = this.board(boardId).history.get(offset)
    return kept ? copy(kept.snapshot) : null
  }

  async boardIds(): Promise<string[]> {
    this.checkOpen()
    return [...this.store.boards.keys()]
  }

  async saveSnapshot(boardId: string, saved: SavedSnapshot): Promise<void> {
    const board = this.board(boardId)
    const stored = copy(savedSnapshotOf(saved))
    if (board.saved.has(stored.meta.id)) throw new SnapshotExistsError(stored.meta.id)
    board.saved.set(stored.meta.id, stored)
  }

  async listSavedSnapshots(boardId: string): Promise<SavedSnapshotMeta[]> {
    return copy(oldestFirst([...this.board(boardId).saved.values()].map((s) => s.meta)))
  }

  async readSavedSnapshot(boardId: string, id: string): Promise<SavedSnapshot | null> {
    const saved = this.board(boardId).saved.get(id)
    return saved ? copy(saved) : null
  }

  /** Stops this engine's subscriptions once what was appended through it is stored; the store keeps the boards. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.all([...this.store.boards.values()].map((b) => b.flushing))
    for (const unsubscribe of [...this.subscriptions]) unsubscribe()
  }
}
