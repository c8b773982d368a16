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
  recordJson,
  validateRecord,
  welcomeDocumentOf,
} from '@opificio/shared'
import type { SerializedSchema, UnknownRecord } from '@tldraw/store'
import type { BoardSnapshot, LogEntry } from '../../storage/types.ts'
import { recordChecks } from './recordChecks.ts'

/** A board's document folded up to `offset`, with what the fold said of each recent entry. */
export class BoardState {
  readonly records = new Map<string, UnknownRecord>()
  readonly clientSeqs = new Map<string, number>()
  /**
   * Each record as JSON in UTF-8, written once when it changes: its length keeps the board under
   * its byte budget, and a welcome's document is these copied together, not the whole board
   * serialized again.
   */
  private readonly json = new Map<string, Uint8Array>()
  /** The document's size as JSON in UTF-8, summed over its records. */
  bytes = 0
  offset: number
  /** True when the stored board was written by an older schema and has been migrated in memory. */
  readonly migrated: boolean
  /**
   * Records this process's checks (recordChecks) have not passed since they last came in unchecked:
   * every record of a snapshot not stamped with them, and what entries put without these checks
   * (read at load, or written by another node). The fold's own changes, and patches, which it
   * checks, are not among them.
   */
  private readonly unchecked = new Set<string>()

  /** `recordsJson`: the snapshot's records as JSON, in order, where storage kept them so. */
  constructor(snapshot: BoardSnapshot, entries: LogEntry[], recordsJson?: Uint8Array[]) {
    const migrate = schemaFingerprint(snapshot.schema as SerializedSchema) !== schemaFingerprint()
    const checked = !migrate && snapshot.checkedBy === recordChecks()
    for (const r of snapshot.records) {
      this.records.set(r.id, r)
      if (!checked) this.unchecked.add(r.id)
    }
    if (recordsJson && !migrate && recordsJson.length === snapshot.records.length) {
      snapshot.records.forEach((r, i) => this.keep(r.id, recordsJson[i]))
    }
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
    for (const r of this.records.values()) if (!this.json.has(r.id)) this.serialized(r)
  }

  private serialized(record: UnknownRecord) {
    this.keep(record.id, recordJson(record))
  }

  private keep(id: string, json: Uint8Array) {
    this.bytes += json.byteLength - (this.json.get(id)?.byteLength ?? 0)
    this.json.set(id, json)
  }

  /** The document as a welcome carries it: the JSON of an array of its records. */
  documentJson(): Uint8Array {
    return welcomeDocumentOf(this.recordsJson())
  }

  /**
   * Folds the next entry; says why when the fold rejected it, and what it adjusted when it did not.
   * `checked`: its puts passed this process's checks on their way in.
   */
  fold(entry: LogEntry, checked = false): { refusal: Refusal } | { adjusted: Adjustment[] } {
    if (entry.offset !== this.offset + 1) throw new Error(`log gap: expected ${this.offset + 1}, got ${entry.offset}`)
    this.offset = entry.offset
    this.clientSeqs.set(entry.clientId, entry.seq)
    const result = foldDocDiff(mapSource(this.records), entry.diff)
    if (!result.ok) return { refusal: result.refusal }
    applyChangesToMap(this.records, result.changes)
    if (!checked) for (const [id, op] of Object.entries(entry.diff)) if (op[0] === 'put' && this.records.has(id)) this.unchecked.add(id)
    for (const r of Object.values(result.changes.added)) this.serialized(r)
    for (const [, r] of Object.values(result.changes.updated)) this.serialized(r)
    for (const id of Object.keys(result.changes.removed)) {
      this.bytes -= this.json.get(id)?.byteLength ?? 0
      this.json.delete(id)
      this.unchecked.delete(id)
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
    this.unchecked.clear()
    for (const r of Object.values(result.value) as UnknownRecord[]) {
      this.records.set(r.id, r)
      this.unchecked.add(r.id)
    }
  }

  /**
   * Runs this process's checks on the records that have not passed them: those that pass are not
   * checked again until they come in unchecked again. Says why each other one fails.
   */
  check(): Map<string, string> {
    const failed = new Map<string, string>()
    for (const id of this.unchecked) {
      const record = this.records.get(id)
      if (!record) {
        this.unchecked.delete(id)
        continue
      }
      try {
        validateRecord(record, id)
        this.unchecked.delete(id)
      } catch (e) {
        failed.set(id, (e as Error).message)
      }
    }
    return failed
  }

  snapshot(): BoardSnapshot {
    return {
      offset: this.offset,
      records: [...this.records.values()],
      clientSeqs: Object.fromEntries(this.clientSeqs),
      schema: boardSchema.serialize(),
      ...(this.unchecked.size === 0 ? { checkedBy: recordChecks() } : {}),
    }
  }

  /** Each record's JSON, in the order of `snapshot().records`: storage writes these as they are. */
  recordsJson(): Uint8Array[] {
    return [...this.records.keys()].map((id) => this.json.get(id)!)
  }
}
