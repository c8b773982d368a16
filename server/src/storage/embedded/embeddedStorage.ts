import { constants } from 'node:fs'
import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { boardIdValidator, type BoardMeta } from '@opificio/shared'
import { planAppends } from '../appendPlan.ts'
import { boardTag } from '../boardTag.ts'
import { accessOf } from '../access.ts'
import { snapshotsToKeep, type SnapshotInfo } from '../snapshotRetention.ts'
import { Subscribers } from '../subscribers.ts'
import {
  BoardDamagedError,
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
import {
  ACCESS_FILE,
  ACCESS_FILE_MODE,
  listSnapshotFiles,
  META_FILE,
  readAccessFile,
  readSnapshotFile,
  segmentName,
  snapshotName,
} from './boardFiles.ts'
import { fsyncDir, removeTempFiles, writeAll, writeFileAtomic } from './files.ts'
import { encodeEntry } from './logFormat.ts'
import { listSavedFiles, readSavedFile, savedFileExists, writeSavedFile } from './savedFiles.ts'
import { savedSnapshotOf } from '../savedSnapshots.ts'
import { readBoard } from './readBoard.ts'
import { encodeSnapshot } from './snapshotFormat.ts'
import { consoleLogger, type Logger } from '../../observability/logger.ts'

export interface EmbeddedStorageOptions {
  /** A board with no subscriber and nothing in flight is closed (file handle, memory) after this long. */
  idleCloseMs?: number
  /** Beyond this many open boards, the least recently used idle ones are closed at once. */
  maxOpenBoards?: number
  logger?: Logger
}

interface Pending {
  entry: LogEntry
  line: Buffer
  previousSeq: number | undefined
  resolve(result: AppendResult): void
  reject(error: Error): void
}

/** An open board: the tail of its log in memory, the segment being appended to, its writers. */
interface OpenBoard {
  id: string
  tag: string
  dir: string
  meta: BoardMeta
  /** The last offset given out, queued entries included. */
  offset: number
  /** The last offset on disk. */
  durable: number
  clientSeqs: Map<string, number>
  snapshot: BoardSnapshot
  /** The snapshot's records as JSON, as read from its file or given to write it, where they were. */
  recordsJson?: Uint8Array[]
  /** The snapshots on disk, for pruning the history. */
  snapshots: SnapshotInfo[]
  /** Durable entries after the snapshot, in order. */
  entries: LogEntry[]
  segments: number[]
  /** Opened to write in sync (openSegment): a write returns once its bytes are durable. */
  segment: FileHandle
  /** The segment's length: measured when opened, then counted by every write and every cut. */
  size: number
  /** Set when undoing a failed write failed too: no write may follow until the segment is cut back to this. */
  truncateTo: number | null
  queue: Pending[]
  flushScheduled: boolean
  /** Flushes, and the moment a compaction takes over the log, run one after another on this chain. */
  lane: Promise<void>
  /**
   * Compactions of the board, one after another, off the lane: their snapshot file is written and
   * synced, and old files removed, while appends go on (only the switch to the new snapshot and
   * segment waits its turn on the lane).
   */
  compactions: Promise<void>
  subscribers: Subscribers
  lastUsed: number
}

/** A log segment, opened to append with O_DSYNC: each write is durable when it returns, as a write and an fdatasync are. */
function openSegment(path: string): Promise<FileHandle> {
  return open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC, 0o666)
}

/**
 * Runs `work` after the last work queued under `key` in `lanes` has settled, and queues itself
 * there: one board's writes of a kind, one after another. The lane holds settled promises only,
 * so close() can wait on it, and forgets a key once its last work is done.
 */
function inLane(lanes: Map<string, Promise<void>>, key: string, work: () => Promise<void>): Promise<void> {
  const run = (lanes.get(key) ?? Promise.resolve()).then(work)
  const settled = run.catch(() => undefined)
  lanes.set(key, settled)
  void settled.then(() => {
    if (lanes.get(key) === settled) lanes.delete(key)
  })
  return run
}

/**
 * The default engine: an append-only log per board in segment files, plus compacted snapshots,
 * under DATA_DIR. Appends from one event-loop turn are written and fsynced together (group
 * commit) before any of them is acknowledged; a write that fails is undone whole.
 */
export class EmbeddedStorage implements StorageEngine {
  /** Open (or opening) boards, least recently used first. */
  private readonly boards = new Map<string, Promise<OpenBoard>>()
  private readonly opened = new Map<string, OpenBoard>()
  /** Operations in progress per board id: a board is never closed under one. */
  private readonly uses = new Map<string, number>()
  private readonly closing = new Map<string, Promise<void>>()
  /** Rewrites of a board's access.json, one after another (they share a temporary file). */
  private readonly accessWrites = new Map<string, Promise<void>>()
  /** Saved snapshots being written, per board, one after another: an id is checked free and written in one turn of the lane. */
  private readonly savedWrites = new Map<string, Promise<void>>()
  private readonly opts: Required<EmbeddedStorageOptions>
  private readonly sweeper: NodeJS.Timeout
  private closed = false

  constructor(
    private readonly dataDir: string,
    opts: EmbeddedStorageOptions = {}
  ) {
    this.opts = { idleCloseMs: 60_000, maxOpenBoards: 500, logger: consoleLogger, ...opts }
    this.sweeper = setInterval(() => this.closeIdle(), Math.max(10, Math.min(this.opts.idleCloseMs / 2, 10_000)))
    this.sweeper.unref()
  }

  private boardDir(id: string) {
    boardIdValidator.validate(id)
    return join(this.dataDir, 'boards', id)
  }

  async createBoard(meta: BoardMeta, initial: BoardSnapshot, access: BoardAccess): Promise<void> {
    const dir = this.boardDir(meta.id)
    const tokens = accessOf(access)
    await mkdir(join(this.dataDir, 'boards'), { recursive: true })
    await mkdir(dir)
    try {
      await writeFileAtomic(join(dir, snapshotName(initial.offset)), encodeSnapshot(initial, Date.now()))
      await writeFileAtomic(join(dir, ACCESS_FILE), JSON.stringify(tokens), ACCESS_FILE_MODE)
      // Written last: a board exists once its metadata does.
      await writeFileAtomic(join(dir, META_FILE), JSON.stringify(meta))
      await fsyncDir(join(this.dataDir, 'boards'))
    } catch (error) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined)
      throw error
    }
  }

  async getBoard(id: string): Promise<BoardMeta | null> {
    const open = this.opened.get(id)
    if (open) return open.meta
    let dir: string
    try {
      dir = this.boardDir(id)
    } catch {
      return null
    }
    try {
      return JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as BoardMeta
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw e
    }
  }

  /** Read from access.json each time (a small file), so a rotation is seen at once without a cache to keep. */
  async getAccess(boardId: string): Promise<BoardAccess | null> {
    if (this.closed) throw new Error('storage is closed')
    // Metadata first: it is written after access.json, so a board that has it has its tokens on disk.
    if (!(await this.getBoard(boardId))) return null
    const read = await readAccessFile(this.boardDir(boardId))
    if ('damage' in read) {
      const error = new BoardDamagedError(boardId, `${ACCESS_FILE}: ${read.damage}`)
      this.opts.logger.error(error.message)
      throw error
    }
    return read.access
  }

  setAccess(boardId: string, access: BoardAccess): Promise<void> {
    if (this.closed) return Promise.reject(new Error('storage is closed'))
    let tokens: BoardAccess
    try {
      tokens = accessOf(access)
    } catch (e) {
      return Promise.reject(e)
    }
    return inLane(this.accessWrites, boardId, async () => {
      if (!(await this.getBoard(boardId))) throw new BoardNotFoundError(boardId)
      await writeFileAtomic(join(this.boardDir(boardId), ACCESS_FILE), JSON.stringify(tokens), ACCESS_FILE_MODE)
    })
  }

  async boardIds(): Promise<string[]> {
    if (this.closed) throw new Error('storage is closed')
    let names: string[]
    try {
      names = await readdir(join(this.dataDir, 'boards'))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw e
    }
    const ids: string[] = []
    // A board exists once its metadata does (createBoard writes it last).
    for (const name of names) if ((await this.getBoard(name).catch(() => null)) !== null) ids.push(name)
    return ids
  }

  saveSnapshot(boardId: string, saved: SavedSnapshot): Promise<void> {
    if (this.closed) return Promise.reject(new Error('storage is closed'))
    let stored: SavedSnapshot
    try {
      stored = savedSnapshotOf(saved)
    } catch (e) {
      return Promise.reject(e)
    }
    return inLane(this.savedWrites, boardId, async () => {
      if (!(await this.getBoard(boardId))) throw new BoardNotFoundError(boardId)
      const dir = this.boardDir(boardId)
      if (await savedFileExists(dir, stored.meta.id)) throw new SnapshotExistsError(stored.meta.id)
      await writeSavedFile(dir, stored)
    })
  }

  async listSavedSnapshots(boardId: string): Promise<SavedSnapshotMeta[]> {
    if (this.closed) throw new Error('storage is closed')
    if (!(await this.getBoard(boardId))) throw new BoardNotFoundError(boardId)
    return listSavedFiles(this.boardDir(boardId), (file, reason) =>
      this.opts.logger.error(`board ${boardTag(boardId)}: saved snapshot ${file} left out: ${reason}`)
    )
  }

  async readSavedSnapshot(boardId: string, id: string): Promise<SavedSnapshot | null> {
    if (this.closed) throw new Error('storage is closed')
    if (!(await this.getBoard(boardId))) throw new BoardNotFoundError(boardId)
    const read = await readSavedFile(this.boardDir(boardId), id)
    if (read && 'damage' in read) {
      const error = new BoardDamagedError(boardId, read.damage)
      this.opts.logger.error(error.message)
      throw error
    }
    return read?.saved ?? null
  }

  /** Runs `work` on the open board, opening it if needed; the board stays open until `work` settles. */
  private async use<T>(id: string, work: (board: OpenBoard) => T | Promise<T>): Promise<T> {
    if (this.closed) throw new Error('storage is closed')
    this.uses.set(id, (this.uses.get(id) ?? 0) + 1)
    try {
      return await work(await this.open(id))
    } finally {
      const left = this.uses.get(id)! - 1
      if (left === 0) this.uses.delete(id)
      else this.uses.set(id, left)
      const board = this.opened.get(id)
      if (board) board.lastUsed = Date.now()
    }
  }

  private open(id: string): Promise<OpenBoard> {
    let board = this.boards.get(id)
    if (board) {
      this.boards.delete(id)
      this.boards.set(id, board)
      return board
    }
    board = this.openBoard(id).then((b) => {
      this.opened.set(id, b)
      this.closeBeyondLimit()
      return b
    })
    this.boards.set(id, board)
    const opening = board
    board.catch(() => {
      if (this.boards.get(id) === opening) this.boards.delete(id)
    })
    return board
  }

  private async openBoard(id: string): Promise<OpenBoard> {
    await this.closing.get(id)
    const meta = await this.getBoard(id)
    if (!meta) throw new BoardNotFoundError(id)
    const dir = this.boardDir(id)
    const tag = boardTag(id)
    await removeTempFiles(dir)
    let disk
    try {
      disk = await readBoard(dir, id)
    } catch (error) {
      if (error instanceof BoardDamagedError) this.opts.logger.error(error.message)
      throw error
    }
    if (disk.torn) {
      // Only the write in progress at a crash can be torn; it was never acknowledged.
      const handle = await open(join(dir, disk.torn.segment), 'r+')
      try {
        await handle.truncate(disk.torn.at)
        await handle.datasync()
      } finally {
        await handle.close()
      }
      this.opts.logger.warn(`board ${tag}: dropped the torn last line of ${disk.torn.segment} at byte ${disk.torn.at} (${disk.torn.reason})`)
    }
    for (const name of disk.damagedSnapshots) {
      await rename(join(dir, name), join(dir, `${name}.damaged`))
      this.opts.logger.error(
        `board ${tag}: ${name} is damaged; set aside as ${name}.damaged and loaded an older snapshot plus the log, which cover it`
      )
    }
    const segments = disk.segments
    if (segments.length === 0) segments.push(disk.offset + 1)
    const segment = await openSegment(join(dir, segmentName(segments.at(-1)!)))
    let size: number
    try {
      size = (await segment.stat()).size
      await fsyncDir(dir)
    } catch (e) {
      await segment.close()
      throw e
    }
    const clientSeqs = new Map(Object.entries(disk.snapshot.clientSeqs))
    for (const e of disk.entries) clientSeqs.set(e.clientId, e.seq)
    return {
      id,
      tag,
      dir,
      meta,
      offset: disk.offset,
      durable: disk.offset,
      clientSeqs,
      snapshot: disk.snapshot,
      recordsJson: disk.recordsJson,
      snapshots: disk.snapshots,
      entries: disk.entries,
      segments,
      segment,
      size,
      truncateTo: null,
      queue: [],
      flushScheduled: false,
      lane: Promise.resolve(),
      compactions: Promise.resolve(),
      subscribers: new Subscribers(),
      lastUsed: Date.now(),
    }
  }

  private isIdle(board: OpenBoard) {
    return !this.uses.has(board.id) && board.subscribers.size === 0
  }

  private closeIdle() {
    const now = Date.now()
    for (const board of this.opened.values()) {
      if (this.isIdle(board) && now - board.lastUsed >= this.opts.idleCloseMs) this.closeBoard(board)
    }
  }

  private closeBeyondLimit() {
    for (const id of this.boards.keys()) {
      if (this.opened.size <= this.opts.maxOpenBoards) return
      const board = this.opened.get(id)
      if (board && this.isIdle(board)) this.closeBoard(board)
    }
  }

  /** Forgets an idle board; the next use reopens it from disk once this has finished. */
  private closeBoard(board: OpenBoard) {
    this.boards.delete(board.id)
    this.opened.delete(board.id)
    const done = board.lane
      .then(() => board.compactions)
      .then(() => board.segment.close())
      .catch((e: Error) => this.opts.logger.error(`board ${board.tag}: closing its log failed`, e.message))
      .finally(() => {
        if (this.closing.get(board.id) === done) this.closing.delete(board.id)
      })
    this.closing.set(board.id, done)
  }

  async append(boardId: string, push: Push): Promise<AppendResult> {
    return (await this.appendAll(boardId, [push]))[0]
  }

  /** Queued in one go, so the pushes share one write and a failed write rolls them back together with everything queued behind them. */
  appendAll(boardId: string, pushes: Push[]): Promise<AppendResult[]> {
    return this.use(boardId, (board) => {
      const planned = planAppends(board.tag, pushes, board.offset, board.clientSeqs, (entry, previousSeq) => ({
        entry,
        line: encodeEntry(entry),
        previousSeq,
      }))
      return Promise.all(planned.map((p) => (p ? this.enqueue(board, p.entry, p.line, p.previousSeq) : { duplicate: true })))
    })
  }

  private enqueue(board: OpenBoard, entry: LogEntry, line: Buffer, previousSeq: number | undefined): Promise<AppendResult> {
    board.offset = entry.offset
    board.clientSeqs.set(entry.clientId, entry.seq)
    return new Promise<AppendResult>((resolve, reject) => {
      board.queue.push({ entry, line, previousSeq, resolve, reject })
      if (!board.flushScheduled) {
        board.flushScheduled = true
        void this.onLane(board, () => {
          board.flushScheduled = false
          return this.flush(board)
        })
      }
    })
  }

  private onLane(board: OpenBoard, task: () => Promise<void>): Promise<void> {
    const run = board.lane.then(task)
    board.lane = run.catch(() => undefined)
    return run
  }

  private async flush(board: OpenBoard) {
    const batch = board.queue.splice(0)
    if (batch.length === 0) return
    const sizeBefore = board.size
    const bytes = Buffer.concat(batch.map((p) => p.line))
    try {
      await this.finishTruncation(board)
      // One call to the disk, not a write and then a sync: on a busy event loop each is a turn of
      // it waited out before the next can start.
      await writeAll(board.segment, bytes)
    } catch (error) {
      await this.rollBack(board, batch, sizeBefore, error as Error)
      return
    }
    board.size += bytes.length
    board.durable = batch.at(-1)!.entry.offset
    board.entries.push(...batch.map((p) => p.entry))
    for (const p of batch) p.resolve({ offset: p.entry.offset, duplicate: false })
    this.deliver(board)
  }

  /**
   * A failed write is undone whole: the file, the offsets and the dedupe state, for this batch
   * and all queued after it (their offsets followed this batch's).
   */
  private async rollBack(board: OpenBoard, batch: Pending[], sizeBefore: number, error: Error) {
    const failed = [...batch, ...board.queue.splice(0)]
    board.offset = failed[0].entry.offset - 1
    for (const p of [...failed].reverse()) {
      if (p.previousSeq === undefined) board.clientSeqs.delete(p.entry.clientId)
      else board.clientSeqs.set(p.entry.clientId, p.previousSeq)
    }
    // Undone to what the file held before, however much of the batch reached it.
    board.truncateTo = sizeBefore
    await this.finishTruncation(board).catch((e: Error) =>
      this.opts.logger.error(`board ${board.tag}: cannot undo a failed write yet; no write will follow until it is undone`, e.message)
    )
    for (const p of failed) p.reject(new Error(`could not write the board's log: ${error.message}`))
  }

  /** Cuts off what a failed write may have left, before anything else is written after it. */
  private async finishTruncation(board: OpenBoard) {
    if (board.truncateTo === null) return
    await board.segment.truncate(board.truncateTo)
    await board.segment.datasync()
    board.truncateTo = null
  }

  private deliver(board: OpenBoard) {
    board.subscribers.deliver(board.entries)
  }

  load(boardId: string) {
    return this.use(boardId, (board) => ({ snapshot: board.snapshot, entries: [...board.entries], recordsJson: board.recordsJson }))
  }

  subscribe(boardId: string, after: number, onEntries: (entries: LogEntry[]) => void): Unsubscribe {
    let active = true
    let attached: { board: OpenBoard; remove: Unsubscribe } | null = null
    this.use(boardId, (board) => {
      if (!active) return
      if (after < board.snapshot.offset) throw new Error(`board ${board.tag}: log compacted past ${after}`)
      attached = { board, remove: board.subscribers.add(after, onEntries) }
      this.deliver(board)
    }).catch((e: Error) => this.opts.logger.error('subscribe failed', e.message))
    return () => {
      active = false
      if (!attached) return
      attached.remove()
      attached.board.lastUsed = Date.now()
    }
  }

  compact(boardId: string, snapshot: BoardSnapshot, recordsJson?: Uint8Array[]): Promise<void> {
    return this.use(boardId, (board) => {
      const run = board.compactions.then(() => this.compactNow(board, snapshot, recordsJson))
      board.compactions = run.catch(() => undefined)
      return run
    })
  }

  private async compactNow(board: OpenBoard, snapshot: BoardSnapshot, recordsJson?: Uint8Array[]) {
    if (snapshot.offset <= board.snapshot.offset) return
    if (snapshot.offset > board.durable) throw new Error('snapshot is ahead of the log')
    const takenAt = Date.now()
    // A file of its own, at an offset already durable: written beside the appends, not before them.
    await writeFileAtomic(join(board.dir, snapshotName(snapshot.offset)), encodeSnapshot(snapshot, takenAt, recordsJson))
    const previous = board.snapshot.offset
    await this.onLane(board, async () => {
      board.snapshot = snapshot
      board.recordsJson = recordsJson
      board.entries = board.entries.filter((e) => e.offset > snapshot.offset)
      board.snapshots.push({ offset: snapshot.offset, takenAt })
      try {
        await this.rollSegment(board)
      } catch (e) {
        this.opts.logger.warn(`board ${board.tag}: snapshot ${snapshot.offset} stored, starting a new log segment failed`, (e as Error).message)
      }
    })
    // The snapshot is durable: whatever fails from here on only leaves more files behind.
    try {
      await this.prune(board, previous)
    } catch (e) {
      this.opts.logger.warn(`board ${board.tag}: snapshot ${snapshot.offset} stored, tidying old files failed`, (e as Error).message)
    }
  }

  /** Starts a new segment for the entries after the snapshot, so older segments can be dropped whole. */
  private async rollSegment(board: OpenBoard) {
    if (board.truncateTo !== null || board.size === 0) return
    const start = board.durable + 1
    const next = await openSegment(join(board.dir, segmentName(start)))
    try {
      await fsyncDir(board.dir)
    } catch (e) {
      await next.close()
      throw e
    }
    const old = board.segment
    board.segment = next
    board.size = 0
    board.segments.push(start)
    await old.close()
  }

  /**
   * Drops segments the previous snapshot already covers (the log is kept back to it, so a
   * damaged newest snapshot can always be stood in for) and snapshots the history policy lets go.
   */
  private async prune(board: OpenBoard, previous: number) {
    const keptSegments: number[] = []
    for (const [i, start] of board.segments.entries()) {
      const next = board.segments[i + 1]
      if (next !== undefined && next - 1 <= previous) await rm(join(board.dir, segmentName(start)), { force: true })
      else keptSegments.push(start)
    }
    board.segments = keptSegments
    const keep = snapshotsToKeep(board.snapshots, Date.now())
    for (const s of board.snapshots) {
      if (!keep.has(s.offset)) await rm(join(board.dir, snapshotName(s.offset)), { force: true })
    }
    board.snapshots = board.snapshots.filter((s) => keep.has(s.offset))
    await fsyncDir(board.dir)
  }

  async listSnapshots(boardId: string): Promise<SnapshotInfo[]> {
    if (!(await this.getBoard(boardId))) throw new BoardNotFoundError(boardId)
    return listSnapshotFiles(this.boardDir(boardId))
  }

  async readSnapshot(boardId: string, offset: number): Promise<BoardSnapshot | null> {
    if (!(await this.getBoard(boardId))) throw new BoardNotFoundError(boardId)
    const read = await readSnapshotFile(this.boardDir(boardId), offset)
    if (read && !read.ok) throw new BoardDamagedError(boardId, `${snapshotName(offset)}: ${read.reason}`)
    return read ? read.snapshot : null
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.sweeper)
    for (const pending of [...this.boards.values()]) {
      const board = await pending.catch(() => null)
      if (!board) continue
      await board.lane
      await board.compactions
      board.subscribers.clear()
      await board.segment.close()
    }
    await Promise.all(this.closing.values())
    await Promise.all(this.accessWrites.values())
    await Promise.all(this.savedWrites.values())
    this.boards.clear()
    this.opened.clear()
  }
}
