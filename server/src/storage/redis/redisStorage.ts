import { randomBytes } from 'node:crypto'
import type { BoardMeta } from '@opificio/shared'
import Redis, { type RedisOptions } from 'ioredis'
import { boardTag } from '../boardTag.ts'
import { accessOf, parseStoredAccess } from '../access.ts'
import { snapshotJson } from '../snapshotJson.ts'
import { snapshotsToKeep, type SnapshotInfo } from '../snapshotRetention.ts'
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
import { boardKeys } from './keys.ts'
import { oldestFirst, savedSnapshotOf } from '../savedSnapshots.ts'
import { defineScripts, type BoardScripts } from './scripts.ts'
import { parseEntry, TailReader } from './tailReader.ts'
import { consoleLogger, type Logger } from '../../observability/logger.ts'
import { RedisOutage } from './redisOutage.ts'

export interface RedisStorageOptions {
  url: string
  /** Prepended to every key; lets tests and several deployments share one Redis. */
  prefix?: string
  /** Entries kept in the stream behind a snapshot, for nodes that are a little behind. */
  keepBehindSnapshot?: number
  leaseMs?: number
  logger?: Logger
  /** What the node's Redis connections report to; one line per outage, not one per retry. */
  outage?: RedisOutage
}

/**
 * Boards in Redis, for several server nodes: one stream per board, appended to by a Lua script
 * that is the board's only sequencer. Run Redis with `appendonly yes` and `appendfsync always`:
 * then a write has reached the disk before Redis answers, and only then is a push acknowledged.
 */
export class RedisStorage implements StorageEngine {
  private readonly redis: Redis & BoardScripts
  private readonly blocking: Redis
  private readonly tail: TailReader
  private readonly prefix: string
  private readonly nodeId = randomBytes(8).toString('hex')
  private readonly opts: Required<Omit<RedisStorageOptions, 'prefix' | 'outage'>>

  constructor(opts: RedisStorageOptions) {
    this.opts = { keepBehindSnapshot: 1000, leaseMs: 30_000, logger: consoleLogger, ...opts }
    this.prefix = opts.prefix ?? 'opificio:'
    const common: RedisOptions = {
      lazyConnect: false,
      retryStrategy: (times) => Math.min(50 * times, 1000),
    }
    // Commands fail at once while Redis is away (no offline queue, no silent re-send): the room
    // then tells the client "saving paused" and the client re-sends, deduped by (clientId, seq).
    this.redis = defineScripts(
      new Redis(opts.url, { ...common, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 0 })
    )
    this.blocking = new Redis(opts.url, { ...common, maxRetriesPerRequest: null })
    const outage = opts.outage ?? new RedisOutage(this.opts.logger)
    for (const conn of [this.redis, this.blocking]) outage.watch(conn)
    this.tail = new TailReader(this.blocking, this.redis, this.opts.logger)
  }

  private keys(boardId: string) {
    return boardKeys(this.prefix, boardId)
  }

  /** Resolves once the command connection is up (it fails fast, so early calls need this). */
  async ready(timeoutMs = 10_000): Promise<void> {
    if (this.redis.status === 'ready') return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs)
      this.redis.once('ready', () => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  /** Whether this Redis acknowledges only what is on disk; a server should say so when it is not. */
  async durability(): Promise<{ durable: boolean; detail: string }> {
    try {
      const [, appendonly] = (await this.redis.config('GET', 'appendonly')) as string[]
      const [, fsync] = (await this.redis.config('GET', 'appendfsync')) as string[]
      return { durable: appendonly === 'yes' && fsync === 'always', detail: `appendonly=${appendonly} appendfsync=${fsync}` }
    } catch (e) {
      return { durable: false, detail: `cannot read the configuration: ${(e as Error).message}` }
    }
  }

  async createBoard(meta: BoardMeta, initial: BoardSnapshot, access: BoardAccess): Promise<void> {
    const k = this.keys(meta.id)
    const created = await this.redis.opCreate(
      k.meta,
      k.snapshot,
      k.snapshotOffset,
      k.offset,
      k.snapshotTimes,
      k.access,
      JSON.stringify(meta),
      JSON.stringify(initial),
      initial.offset,
      Date.now(),
      JSON.stringify(accessOf(access))
    )
    if (created !== 1) throw new Error(`board ${boardTag(meta.id)} already exists`)
  }

  async getBoard(id: string): Promise<BoardMeta | null> {
    const raw = await this.redis.get(this.keys(id).meta)
    return raw ? (JSON.parse(raw) as BoardMeta) : null
  }

  async getAccess(boardId: string): Promise<BoardAccess | null> {
    const k = this.keys(boardId)
    // One hash slot: read together, so a board is never seen without the tokens it was made with.
    const [meta, raw] = await this.redis.mget(k.meta, k.access)
    if (meta === null || raw === null) return null
    const read = parseStoredAccess(raw)
    if ('damage' in read) {
      const error = new BoardDamagedError(boardId, `its :access key: ${read.damage}`)
      this.opts.logger.error(error.message)
      throw error
    }
    return read.access
  }

  async setAccess(boardId: string, access: BoardAccess): Promise<void> {
    const k = this.keys(boardId)
    const stored = await this.redis.opSetAccess(k.meta, k.access, JSON.stringify(accessOf(access)))
    if (stored !== 1) throw new BoardNotFoundError(boardId)
  }

  async boardIds(): Promise<string[]> {
    const pattern = `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}{*}:meta`
    const ids = new Set<string>()
    let cursor = '0'
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
      cursor = next
      for (const key of keys) ids.add(key.slice(this.prefix.length + 1, key.length - '}:meta'.length))
    } while (cursor !== '0')
    return [...ids]
  }

  async saveSnapshot(boardId: string, saved: SavedSnapshot): Promise<void> {
    const k = this.keys(boardId)
    const { meta, snapshot } = savedSnapshotOf(saved)
    const stored = await this.redis.opSaveSnapshot(k.meta, k.saved, k.savedBodies, meta.id, JSON.stringify(meta), JSON.stringify(snapshot))
    if (stored === 0) throw new BoardNotFoundError(boardId)
    if (stored === -1) throw new SnapshotExistsError(meta.id)
  }

  async listSavedSnapshots(boardId: string): Promise<SavedSnapshotMeta[]> {
    const k = this.keys(boardId)
    const [meta, all] = await Promise.all([this.redis.exists(k.meta), this.redis.hgetall(k.saved)])
    if (meta === 0) throw new BoardNotFoundError(boardId)
    const metas: SavedSnapshotMeta[] = []
    for (const [id, raw] of Object.entries(all)) {
      try {
        metas.push(JSON.parse(raw) as SavedSnapshotMeta)
      } catch {
        this.opts.logger.error(`board ${boardTag(boardId)}: saved snapshot ${id} left out: its description does not parse`)
      }
    }
    return oldestFirst(metas)
  }

  async readSavedSnapshot(boardId: string, id: string): Promise<SavedSnapshot | null> {
    const k = this.keys(boardId)
    const [exists, rawMeta, rawBody] = await Promise.all([
      this.redis.exists(k.meta),
      this.redis.hget(k.saved, id),
      this.redis.hget(k.savedBodies, id),
    ])
    if (exists === 0) throw new BoardNotFoundError(boardId)
    if (rawMeta === null || rawBody === null) return null
    try {
      return { meta: JSON.parse(rawMeta) as SavedSnapshotMeta, snapshot: JSON.parse(rawBody) as BoardSnapshot }
    } catch {
      const error = new BoardDamagedError(boardId, `saved snapshot ${id} does not parse`)
      this.opts.logger.error(error.message)
      throw error
    }
  }

  async append(boardId: string, push: Push): Promise<AppendResult> {
    return (await this.appendAll(boardId, [push]))[0]
  }

  /** In one script call: stored together, in order, or not at all. */
  async appendAll(boardId: string, pushes: Push[]): Promise<AppendResult[]> {
    const k = this.keys(boardId)
    const offsets = await this.redis.opAppend(k.meta, k.seqs, k.offset, k.log, ...pushes.flatMap((p) => [p.clientId, p.seq, JSON.stringify(p.diff)]))
    if (offsets === -1) throw new BoardNotFoundError(boardId)
    return offsets.map((offset) => (offset === 0 ? { duplicate: true } : { offset, duplicate: false }))
  }

  async load(boardId: string): Promise<{ snapshot: BoardSnapshot; entries: LogEntry[] }> {
    const k = this.keys(boardId)
    const [snapshot, raw] = await this.redis.opLoad(k.snapshot, k.snapshotOffset, k.log)
    if (!snapshot) throw new BoardNotFoundError(boardId)
    return { snapshot: JSON.parse(snapshot) as BoardSnapshot, entries: raw.map(parseEntry) }
  }

  subscribe(boardId: string, after: number, onEntries: (entries: LogEntry[]) => void): Unsubscribe {
    return this.tail.add(this.keys(boardId).log, after, onEntries)
  }

  /** Under a short lease, so that of the nodes serving a board only one writes its snapshot. */
  async compact(boardId: string, snapshot: BoardSnapshot, recordsJson?: Uint8Array[]): Promise<void> {
    const k = this.keys(boardId)
    const owner = `${this.nodeId}:${randomBytes(4).toString('hex')}`
    const leased = await this.redis.set(k.lease, owner, 'PX', this.opts.leaseMs, 'NX')
    if (leased !== 'OK') return
    try {
      const stored = await this.redis.opCompact(
        k.snapshot,
        k.snapshotOffset,
        k.log,
        k.history,
        k.snapshotTimes,
        snapshot.offset,
        asBuffer(snapshotJson(snapshot, recordsJson)),
        this.opts.keepBehindSnapshot,
        Date.now()
      )
      if (stored === 1) await this.pruneHistory(boardId)
    } finally {
      await this.redis.opReleaseLease(k.lease, owner).catch(() => undefined)
    }
  }

  /** Still under the lease: no other node is compacting this board meanwhile. */
  private async pruneHistory(boardId: string) {
    const k = this.keys(boardId)
    try {
      const kept = await this.listSnapshots(boardId)
      const keep = snapshotsToKeep(kept, Date.now())
      const drop = kept.filter((s) => !keep.has(s.offset)).map((s) => String(s.offset))
      if (drop.length > 0) await this.redis.opPrune(k.history, k.snapshotTimes, k.snapshotOffset, ...drop)
    } catch (e) {
      this.opts.logger.warn(`board ${boardTag(boardId)}: snapshot stored, pruning its history failed`, (e as Error).message)
    }
  }

  async listSnapshots(boardId: string): Promise<SnapshotInfo[]> {
    const k = this.keys(boardId)
    const found = await this.redis.opListSnapshots(k.meta, k.snapshotOffset, k.snapshotTimes)
    if (!found) throw new BoardNotFoundError(boardId)
    const [current, flat] = found
    const times = new Map<number, number>()
    for (let i = 0; i < flat.length; i += 2) times.set(Number(flat[i]), Number(flat[i + 1]))
    // A board from before snapshots were dated has no date for its current one: 0 says unknown.
    if (!times.has(Number(current))) times.set(Number(current), 0)
    return [...times].map(([offset, takenAt]) => ({ offset, takenAt })).sort((a, b) => a.offset - b.offset)
  }

  async readSnapshot(boardId: string, offset: number): Promise<BoardSnapshot | null> {
    const k = this.keys(boardId)
    const raw = await this.redis.opReadSnapshot(k.snapshot, k.snapshotOffset, k.history, offset)
    if (raw === null && !(await this.getBoard(boardId))) throw new BoardNotFoundError(boardId)
    return raw === null ? null : (JSON.parse(raw) as BoardSnapshot)
  }

  async close(): Promise<void> {
    this.tail.stop()
    this.blocking.disconnect()
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
