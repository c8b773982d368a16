import {
  applyChangesToMap,
  applyRecordPatch,
  boardSchema,
  foldDocDiff,
  mapSource,
  schemaFingerprint,
  type Adjustment,
  type Refusal,
  type DocDiff,
} from '@opificio/shared'
import type { SerializedSchema, UnknownRecord } from '@tldraw/store'
import type { BoardSnapshot, LogEntry } from '../../storage/types.ts'

/** A board's document folded up to `offset`, with what the fold said of each recent entry. */
export class BoardState {
  readonly records = new Map<string, UnknownRecord>()
  readonly clientSeqs = new Map<string, number>()
  /** Each record's size as JSON, to keep the board under its byte budget. */
  private readonly sizes = new Map<string, number>()
  /** The document's size as JSON, summed over its records. */
  bytes = 0
  offset: number
  /** True when the stored board was written by an older schema and has been migrated in memory. */
  readonly migrated: boolean

  constructor(snapshot: BoardSnapshot, entries: LogEntry[]) {
    const migrate = schemaFingerprint(snapshot.schema as SerializedSchema) !== schemaFingerprint()
    for (const r of snapshot.records) this.records.set(r.id, r)
    for (const [c, s] of Object.entries(snapshot.clientSeqs)) this.clientSeqs.set(c, s)
    this.offset = snapshot.offset
    this.migrated = migrate
    if (migrate) {
      // Written by an older deploy: replay as written, then migrate the whole document at once.
      for (const e of entries) this.replayUnchecked(e)
      this.migrateFrom(snapshot.schema as SerializedSchema)
    } else {
      for (const e of entries) this.fold(e)
    }
    for (const r of this.records.values()) this.sized(r)
  }

  private sized(record: UnknownRecord) {
    const size = JSON.stringify(record).length
    this.bytes += size - (this.sizes.get(record.id) ?? 0)
    this.sizes.set(record.id, size)
  }

  /** Folds the next entry; says why when the fold rejected it, and what it adjusted when it did not. */
  fold(entry: LogEntry): { refusal: Refusal } | { adjusted: Adjustment[] } {
    if (entry.offset !== this.offset + 1) throw new Error(`log gap: expected ${this.offset + 1}, got ${entry.offset}`)
    this.offset = entry.offset
    this.clientSeqs.set(entry.clientId, entry.seq)
    const result = foldDocDiff(mapSource(this.records), entry.diff)
    if (!result.ok) return { refusal: result.refusal }
    applyChangesToMap(this.records, result.changes)
    for (const r of Object.values(result.changes.added)) this.sized(r)
    for (const [, r] of Object.values(result.changes.updated)) this.sized(r)
    for (const id of Object.keys(result.changes.removed)) {
      this.bytes -= this.sizes.get(id) ?? 0
      this.sizes.delete(id)
    }
    return { adjusted: result.adjusted }
  }

  private replayUnchecked(entry: LogEntry) {
    this.offset = entry.offset
    this.clientSeqs.set(entry.clientId, entry.seq)
    for (const [id, op] of Object.entries(entry.diff as DocDiff)) {
      if (op[0] === 'put') this.records.set(id, op[1])
      else if (op[0] === 'remove') this.records.delete(id)
      else {
        const current = this.records.get(id)
        if (current) this.records.set(id, applyRecordPatch(current, op[1]))
      }
    }
  }

  private migrateFrom(schema: SerializedSchema) {
    const result = boardSchema.migrateStoreSnapshot({
      store: Object.fromEntries(this.records) as never,
      schema,
    })
    if (result.type === 'error') throw new Error(`cannot migrate board: ${result.reason}`)
    this.records.clear()
    for (const r of Object.values(result.value) as UnknownRecord[]) this.records.set(r.id, r)
  }

  snapshot(): BoardSnapshot {
    return {
      offset: this.offset,
      records: [...this.records.values()],
      clientSeqs: Object.fromEntries(this.clientSeqs),
      schema: boardSchema.serialize(),
    }
  }
}
