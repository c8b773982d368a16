import {
  createTLSchema,
  DocumentRecordType,
  PageRecordType,
  TLDOCUMENT_ID,
  type TLPageId,
  type TLRecord,
} from '@tldraw/tlschema'
import type { SerializedSchema } from '@tldraw/store'
import type { IndexKey } from '@tldraw/utils'

/**
 * The one schema both sides validate against. Custom shapes and bindings join it here, so the
 * server rejects exactly what the client could never have produced.
 */
export const boardSchema = createTLSchema()

/**
 * Record types that belong to a board's document (persisted, synced); the rest is per-tab.
 * tldraw's `user` records (names, for attribution) are left out: boards are projected and
 * exported into public documents, so a name appears only on its owner's cursor.
 */
export const DOCUMENT_TYPE_NAMES: ReadonlySet<string> = new Set(
  Object.values(boardSchema.types)
    .filter((t) => t.scope === 'document' && t.typeName !== 'user')
    .map((t) => t.typeName)
)

export const FIRST_PAGE_ID = 'page:page' as TLPageId

/** Stable text form of the schema's versions: equal strings mean the two sides read the same records. */
export function schemaFingerprint(schema: SerializedSchema = boardSchema.serialize()): string {
  const s = schema as { schemaVersion: number; sequences?: Record<string, number> }
  const sequences = Object.entries(s.sequences ?? {}).sort(([a], [b]) => a.localeCompare(b))
  return JSON.stringify([s.schemaVersion, sequences])
}

/** The document a new board starts with: the document record and one page with a fixed id. */
export function createInitialRecords(pageName: string): TLRecord[] {
  return [
    DocumentRecordType.create({ id: TLDOCUMENT_ID }),
    PageRecordType.create({ id: FIRST_PAGE_ID, name: pageName, index: 'a1' as IndexKey }),
  ]
}
