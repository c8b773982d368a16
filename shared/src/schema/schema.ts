import {
  createTLSchema,
  defaultBindingSchemas,
  defaultShapeSchemas,
  DocumentRecordType,
  PageRecordType,
  TLDOCUMENT_ID,
  type TLPageId,
} from '@tldraw/tlschema'
import type { SerializedSchema, UnknownRecord } from '@tldraw/store'
import type { IndexKey } from '@tldraw/utils'
import { ELEMENT_SHAPE, elementShapeProps } from '../diagram/elementShape.ts'
import { BALANCE_SHAPE, boxShapeProps, PACT_SHAPE } from '../diagram/phaseShapes.ts'
import { sessionRecordValidator } from '../session/sessionRecord.ts'
import { dotRecordValidator, voteRecordValidator } from '../session/voteRecords.ts'
import { OPIFICIO_TEMPLATE } from '../template/opificio.ts'
import { TEMPLATE_RECORD_ID, templateRecordValidator, type TemplateRecord } from '../template/templateRecord.ts'
import type { ProcessTemplate } from '../template/types.ts'

/**
 * The one schema both sides validate against. Custom shapes and records join it here, so the
 * server rejects exactly what the client could never have produced.
 */
export const boardSchema = createTLSchema({
  shapes: {
    ...defaultShapeSchemas,
    [ELEMENT_SHAPE]: { props: elementShapeProps },
    [BALANCE_SHAPE]: { props: boxShapeProps },
    [PACT_SHAPE]: { props: boxShapeProps },
  },
  bindings: defaultBindingSchemas,
  records: {
    template: { scope: 'document', validator: templateRecordValidator },
    session: { scope: 'document', validator: sessionRecordValidator },
    vote: { scope: 'document', validator: voteRecordValidator },
    dot: { scope: 'document', validator: dotRecordValidator },
  },
})

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

export function templateRecord(template: ProcessTemplate): TemplateRecord {
  return { ...structuredClone(template), id: TEMPLATE_RECORD_ID, typeName: 'template', meta: {} }
}

/** The document a new board starts with: the document, one page with a fixed id, its template. */
export function createInitialRecords(pageName: string, template: ProcessTemplate = OPIFICIO_TEMPLATE): UnknownRecord[] {
  return [
    DocumentRecordType.create({ id: TLDOCUMENT_ID }),
    PageRecordType.create({ id: FIRST_PAGE_ID, name: pageName, index: 'a1' as IndexKey }),
    templateRecord(template) as unknown as UnknownRecord,
  ]
}
