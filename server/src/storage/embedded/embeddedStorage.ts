import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { boardIdValidator, type BoardMeta } from '@opificio/shared'
import {
  BoardNotFoundError,
  type AppendResult,
  type BoardSnapshot,
  type LogEntry,
  type Push,
  type StorageEngine,
  type Unsubscribe,
} from '../types.ts'
import { fsyncDir, writeFileAtomic } from './files.ts'
import { decodeSegment, encodeEntry } from './logFormat.ts'

interface Pending {
  entry: LogEntry
  previousSeq: number | undefined
  resolve(result: AppendResult): void
  reject(error: Error): void
}

interface Subscriber {
  delivered: number
  onEntries(entries: LogEntry[]): void
}

/** An open board: the tail of its log in memory, the segment being appended to, its writers. */
interface OpenBoard {
  dir: string
  offset: number
  clientSeqs: Map<string, number>
  snapshot: BoardSnapshot
  /** Durable entries after the snapshot, in order. */
  entries: LogEntry[]
  segments: number[]
  segment: FileHandle
  segmentBytes: number
  queue: Pending[]
  flushScheduled: boolean
  /** Flushes and compactions of one board run one after another on this chain. */
  lane: Promise<void>
  subscribers: Set<Subscriber>
}

const SEGMENT = /^log-(\d+)\.log$/
const SNAPSHOT = /^snapshot-(\d+)\.json$/

/**
 * The default engine: an append-only log per board in segment files, plus compacted snapshots,
 * under DATA_DIR. Appends from one event-loop turn are written and fsynced together (group
 * commit) before any of them is acknowledged.
 */
export class EmbeddedStorage implements StorageEngine {
  private readonly boards = new Map<string, Promise<OpenBoard>>()
  private readonly metas = new Map<string, BoardMeta>()
  private closed = false

  constructor(private readonly dataDir: string) {}

  private boardDir(id: string) {
    boardIdValidator.validate(id)
    return join(this.dataDir, 'boards', id)
  }

  async createBoard(meta: BoardMeta, initial: BoardSnapshot): Promise<void> {
    const dir = this.boardDir(meta.id)
    await mkdir(join(this.dataDir, 'boards'), { recursive: true })
    await mkdir(dir)
    await writeFileAtomic(join(dir, `snapshot-${initial.offset}.json`), JSON.stringify(initial))
    await writeFileAtomic(join(dir, 'meta.json'), JSON.stringify(meta))
    await fsyncDir(dir)
    await fsyncDir(join(this.dataDir, 'boards'))
    this.metas.set(meta.id, meta)
  }

  async getBoard(id: string): Promise<BoardMeta | null> {
    const cached = this.metas.get(id)
    if (cached) return cached
    let dir: string
    try {
      dir = this.boardDir(id)
    } catch {
      return null
    }
    try {
      const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as BoardMeta
      this.metas.set(id, meta)
      return meta
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw e
    }
  }

  private open(id: string): Promise<OpenBoard> {
    if (this.closed) return Promise.reject(new Error('storage is closed'))
    let board = this.boards.get(id)
    if (!board) {
      board = this.openBoard(id)
      this.boards.set(id, board)
      board.catch(() => this.boards.delete(id))
    }
    return board
  }

  private async openBoard(id: string): Promise<OpenBoard> {
    if (!(await this.getBoard(id))) throw new BoardNotFoundError(id)
    const dir = this.boardDir(id)
    const names = await readdir(dir)
    const snapshotOffsets = names.flatMap((n) => (SNAPSHOT.test(n) ? [Number(n.match(SNAPSHOT)![1])] : []))
    if (snapshotOffsets.length === 0) throw new Error(`board ${id} has no snapshot`)
    const snapshotOffset = Math.max(...snapshotOffsets)
    const snapshot = JSON.parse(await readFile(join(dir, `snapshot-${snapshotOffset}.json`), 'utf8')) as BoardSnapshot

    const segments = names.flatMap((n) => (SEGMENT.test(n) ? [Number(n.match(SEGMENT)![1])] : [])).sort((a, b) => a - b)
    const entries: LogEntry[] = []
    let expected: number | null = null
    let lastBytes = 0
    for (let i = 0; i < segments.length; i++) {
      const path = join(dir, `log-${segments[i]}.log`)
      const isLast = i === segments.length - 1
      const { entries: read, validBytes, torn } = decodeSegment(await readFile(path, 'utf8'))
      // Segment names are hints; offsets inside are the truth, and must run on without a gap.
      if (expected === null && read.length > 0) {
        expected = read[0].offset
        if (expected > snapshot.offset + 1) {
          throw new Error(`board ${id}: log starts at ${expected}, after its snapshot at ${snapshot.offset}; refusing to open`)
        }
      }
      for (const entry of read) {
        if (entry.offset !== expected) {
          throw new Error(`board ${id}: ${path} has offset ${entry.offset} where ${expected} was due; refusing to open`)
        }
        expected++
        if (entry.offset > snapshot.offset) entries.push(entry)
      }
      if (torn) {
        // Only the write in progress at a crash can be torn; it was never acknowledged.
        if (!isLast) throw new Error(`board ${id}: ${path} is damaged before the end of the log; refusing to open`)
        const handle = await open(path, 'r+')
        await handle.truncate(validBytes)
        await handle.sync()
        await handle.close()
      }
      lastBytes = validBytes
    }

    const offset = Math.max(snapshot.offset, (expected ?? 0) - 1)
    const clientSeqs = new Map(Object.entries(snapshot.clientSeqs))
    for (const e of entries) clientSeqs.set(e.clientId, e.seq)

    let segmentStart = segments.at(-1)
    if (segmentStart === undefined) {
      segmentStart = offset + 1
      segments.push(segmentStart)
      lastBytes = 0
    }
    const segment = await open(join(dir, `log-${segmentStart}.log`), 'a')
    await fsyncDir(dir)
    return {
      dir,
      offset,
      clientSeqs,
      snapshot,
      entries,
      segments,
      segment,
      segmentBytes: lastBytes,
      queue: [],
      flushScheduled: false,
      lane: Promise.resolve(),
      subscribers: new Set(),
    }
  }

  async append(boardId: string, push: Push): Promise<AppendResult> {
    const board = await this.open(boardId)
    const previousSeq = board.clientSeqs.get(push.clientId)
    if (previousSeq !== undefined && push.seq <= previousSeq) return { duplicate: true }
    board.clientSeqs.set(push.clientId, push.seq)
    const entry: LogEntry = { offset: ++board.offset, clientId: push.clientId, seq: push.seq, diff: push.diff }
    return new Promise((resolve, reject) => {
      board.queue.push({ entry, previousSeq, resolve, reject })
      if (!board.flushScheduled) {
        board.flushScheduled = true
        this.onLane(board, () => {
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
    const text = batch.map((p) => encodeEntry(p.entry)).join('')
    try {
      await board.segment.write(text)
      await board.segment.datasync()
    } catch (error) {
      await this.rollBack(board, batch, error as Error)
      return
    }
    board.segmentBytes += Buffer.byteLength(text)
    const entries = batch.map((p) => p.entry)
    board.entries.push(...entries)
    for (const p of batch) p.resolve({ offset: p.entry.offset, duplicate: false })
    this.deliver(board)
  }

  /** A failed write is undone whole: the file, the offsets and the dedupe state, for this batch and all queued after it. */
  private async rollBack(board: OpenBoard, batch: Pending[], error: Error) {
    const failed = [...batch, ...board.queue.splice(0)]
    board.offset = failed[0].entry.offset - 1
    for (const p of [...failed].reverse()) {
      if (p.previousSeq === undefined) board.clientSeqs.delete(p.entry.clientId)
      else board.clientSeqs.set(p.entry.clientId, p.previousSeq)
    }
    await board.segment.truncate(board.segmentBytes).catch(() => undefined)
    for (const p of failed) p.reject(new Error(`could not write the board's log: ${error.message}`))
  }

  private deliver(board: OpenBoard) {
    for (const sub of board.subscribers) {
      const fresh = board.entries.filter((e) => e.offset > sub.delivered)
      if (fresh.length === 0) continue
      sub.delivered = fresh.at(-1)!.offset
      sub.onEntries(fresh)
    }
  }

  async load(boardId: string) {
    const board = await this.open(boardId)
    return { snapshot: board.snapshot, entries: [...board.entries] }
  }

  subscribe(boardId: string, after: number, onEntries: (entries: LogEntry[]) => void): Unsubscribe {
    const sub: Subscriber = { delivered: after, onEntries }
    let active = true
    this.open(boardId).then(
      (board) => {
        if (!active) return
        if (after < board.snapshot.offset) throw new Error(`log of ${boardId} compacted past ${after}`)
        board.subscribers.add(sub)
        this.deliver(board)
      },
      () => undefined
    )
    return () => {
      active = false
      void this.open(boardId).then((b) => b.subscribers.delete(sub), () => undefined)
    }
  }

  async compact(boardId: string, snapshot: BoardSnapshot): Promise<void> {
    const board = await this.open(boardId)
    await this.onLane(board, async () => {
      if (snapshot.offset <= board.snapshot.offset) return
      if (snapshot.offset > board.offset) throw new Error('snapshot is ahead of the log')
      await writeFileAtomic(join(board.dir, `snapshot-${snapshot.offset}.json`), JSON.stringify(snapshot))
      const old = board.snapshot.offset
      board.snapshot = snapshot
      board.entries = board.entries.filter((e) => e.offset > snapshot.offset)
      if (board.segmentBytes > 0) {
        await board.segment.close()
        const start = board.offset - board.queue.length + 1
        board.segment = await open(join(board.dir, `log-${start}.log`), 'a')
        board.segments.push(start)
        board.segmentBytes = 0
      }
      const keep: number[] = []
      for (let i = 0; i < board.segments.length; i++) {
        const next = board.segments[i + 1]
        if (next !== undefined && next - 1 <= snapshot.offset) {
          await rm(join(board.dir, `log-${board.segments[i]}.log`), { force: true })
        } else keep.push(board.segments[i])
      }
      board.segments = keep
      await rm(join(board.dir, `snapshot-${old}.json`), { force: true })
      await fsyncDir(board.dir)
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const pending of this.boards.values()) {
      const board = await pending.catch(() => null)
      if (!board) continue
      await board.lane
      board.subscribers.clear()
      await board.segment.close()
    }
    this.boards.clear()
  }
}

