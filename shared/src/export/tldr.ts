import { MigrationFailureReason, type SerializedSchema, type SerializedStore, type UnknownRecord } from '@tldraw/store'
import { DocumentRecordType, PageRecordType, TLDOCUMENT_ID } from '@tldraw/tlschema'
import type { IndexKey } from '@tldraw/utils'
import { T } from '@tldraw/validate'
import { validationMessage } from '../protocol/validationMessage.ts'
import { boardSchema, DOCUMENT_TYPE_NAMES, FIRST_PAGE_ID } from '../schema/schema.ts'
import { measureJson } from '../sync/bounds.ts'
import { MAX_SHAPE_NESTING, Rejection, validateRecord } from '../sync/checkDocDiff.ts'
import { LIMITS } from '../sync/limits.ts'
import { templateOf, templateProblem } from '../template/rules.ts'

/**
 * A board as a tldraw `.tldr` file, in the shape tldraw's serializeTldrawJson writes, so that
 * tldraw.com opens what a board exports (our custom shapes aside) and a board imports what
 * tldraw.com saves. An import is untrusted input: it passes every check a live edit passes.
 */

/** The only format tldraw has written so far (its LATEST_TLDRAW_FILE_FORMAT_VERSION). */
const FILE_FORMAT_VERSION = 1

export interface TldrFile {
  tldrawFileFormatVersion: typeof FILE_FORMAT_VERSION
  schema: SerializedSchema
  records: UnknownRecord[]
}

export type ParsedTldr = { ok: true; records: UnknownRecord[] } | { ok: false; reason: string }

/** A board's document, less its sealed dots: which element a dot is on stays on the server until the reveal. */
const FILE_TYPE_NAMES: ReadonlySet<string> = new Set([...DOCUMENT_TYPE_NAMES].filter((t) => t !== 'dot'))

/**
 * The shape types this board draws, read off the schema's migration sequences: createTLSchema
 * makes one per shape type (`com.tldraw.shape.<type>`), even for a type with no migrations.
 */
const SHAPE_TYPES: ReadonlySet<string> = new Set(
  Object.keys(boardSchema.migrations)
    .filter((id) => id.startsWith('com.tldraw.shape.'))
    .map((id) => id.slice('com.tldraw.shape.'.length))
)

export function boardToTldr(records: UnknownRecord[]): TldrFile {
  const kept = records.filter((r) => FILE_TYPE_NAMES.has(r.typeName)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { tldrawFileFormatVersion: FILE_FORMAT_VERSION, schema: boardSchema.serialize(), records: withoutUnusedAssets(kept) }
}

/**
 * Reads a `.tldr` file into the records of a board's document, or says in a short sentence why
 * not. A shape type this board does not draw (a tldraw.com plug-in's, a future tldraw's) refuses
 * the whole file, naming the type: dropping it would silently lose content, and what hangs on it
 * (children, arrows bound to it) with it. Per-tab state (instance, camera, pointer, presence),
 * user records and sealed dots are left out; a missing document record or page is added.
 */
export function parseTldr(text: string): ParsedTldr {
  try {
    return { ok: true, records: readTldr(text) }
  } catch (e) {
    // A validator's message may quote the file: kept short enough for an answer.
    if (e instanceof Refused || e instanceof Rejection) return { ok: false, reason: e.message.slice(0, 300) }
    throw e
  }
}

class Refused extends Error {}

function refuse(reason: string): never {
  throw new Refused(reason)
}

const recordVersion = T.object({
  version: T.positiveInteger,
  subTypeVersions: T.dict(T.string, T.positiveInteger).optional(),
  subTypeKey: T.string.optional(),
})
const SCHEMA_VALIDATORS: Record<number, { validate(value: unknown): unknown }> = {
  1: T.object({ schemaVersion: T.literal(1), storeVersion: T.positiveInteger, recordVersions: T.dict(T.string, recordVersion) }),
  2: T.object({ schemaVersion: T.literal(2), sequences: T.dict(T.string, T.positiveInteger) }),
}
const recordHead = T.object({ id: T.string, typeName: T.string }).allowUnknownProperties()

function readTldr(text: string): UnknownRecord[] {
  if (text.length > LIMITS.boardBytes) refuse(`the file is larger than ${LIMITS.boardBytes / 1024 / 1024} MiB`)
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    // Some engines' JSON.parse recurses, and throws a RangeError on deep nesting: not JSON we take either way.
    refuse('the file is not JSON')
  }
  // Before anything recursive (tldraw's migrations clone records) meets it: file → records → record → ...
  const depth = measureJson(data, { maxDepth: LIMITS.recordDepth + 2, maxBytes: Number.POSITIVE_INFINITY })
  if (!depth.ok) refuse(`the file is ${depth.reason}`)
  const file = readFile(data)
  const migrated = Object.values(migrate(file))
  // After the migrations, which may retire old types (tldraw 2's code and icon shapes).
  for (const r of migrated) checkType(r)
  const records = withoutUnusedAssets(migrated.filter((r) => FILE_TYPE_NAMES.has(r.typeName)))
  for (const r of records) validateRecord(r)
  const complete = withDocumentAndPage(records)
  if (complete.length > LIMITS.recordsPerBoard) refuse(`the file has more than ${LIMITS.recordsPerBoard} records`)
  checkStructure(complete)
  return complete
}

/** The file's form, as tldraw's parseTldrawJsonFile checks it, with a reason for each way it is wrong. */
function readFile(data: unknown): TldrFile {
  if (typeof data !== 'object' || data === null || !('tldrawFileFormatVersion' in data)) refuse('not a tldraw file')
  const { tldrawFileFormatVersion: version, schema, records } = data as Record<string, unknown>
  if (typeof version === 'number' && version > FILE_FORMAT_VERSION) refuse(`made by a newer tldraw (file format ${version})`)
  if (version !== FILE_FORMAT_VERSION) refuse('not a tldraw file: unknown file format version')
  const schemaVersion = (schema as { schemaVersion?: unknown } | null)?.schemaVersion
  const schemaValidator = typeof schemaVersion === 'number' ? SCHEMA_VALIDATORS[schemaVersion] : undefined
  if (!schemaValidator) refuse('not a tldraw file: unknown schema version')
  try {
    schemaValidator.validate(schema)
  } catch (e) {
    refuse(`not a tldraw file: schema ${validationMessage(e)}`)
  }
  if (!Array.isArray(records)) refuse('not a tldraw file: no list of records')
  if (records.length > LIMITS.recordsPerBoard) refuse(`the file has more than ${LIMITS.recordsPerBoard} records`)
  const ids = new Set<string>()
  for (const r of records) {
    if (!recordHead.isValid(r)) refuse('not a tldraw file: a record without id or type')
    const { id } = r as UnknownRecord
    if (id.length > LIMITS.idLength) refuse(`a record id is longer than ${LIMITS.idLength} characters`)
    if (ids.has(id)) refuse(`two records have the id ${id}`)
    ids.add(id)
  }
  return { tldrawFileFormatVersion: FILE_FORMAT_VERSION, schema: schema as SerializedSchema, records }
}

function checkType({ typeName, type }: UnknownRecord & { type?: unknown }) {
  if (!Object.hasOwn(boardSchema.types, typeName)) refuse(`unknown record type "${typeName.slice(0, 50)}"`)
  if (typeName === 'shape' && !(typeof type === 'string' && SHAPE_TYPES.has(type)))
    refuse(`shape type "${String(type).slice(0, 50)}" cannot be imported: this board does not draw it`)
}

/**
 * Brings the records to this board's schema. A file from plain tldraw has none of our custom
 * types in its sequences; tldraw's schema then applies just the sequences both sides know.
 */
function migrate(file: TldrFile): SerializedStore<UnknownRecord> {
  const store = Object.fromEntries(file.records.map((r) => [r.id, r])) as SerializedStore<UnknownRecord>
  let result: ReturnType<typeof boardSchema.migrateStoreSnapshot>
  try {
    result = boardSchema.migrateStoreSnapshot({ schema: file.schema, store: store as never })
  } catch {
    // Reading a malformed schema can throw before the migrations' own catch.
    refuse('the file’s schema cannot be read')
  }
  if (result.type === 'error') {
    if (result.reason === MigrationFailureReason.TargetVersionTooNew) refuse('made by a newer tldraw than this board’s')
    refuse('the records could not be migrated to this board’s schema (made by a newer tldraw?)')
  }
  return result.value as SerializedStore<UnknownRecord>
}

/** As tldraw does when it saves and opens a file: an asset no shape shows is only weight. */
function withoutUnusedAssets(records: UnknownRecord[]): UnknownRecord[] {
  const used = new Set<unknown>()
  for (const r of records) if (r.typeName === 'shape') used.add((r as { props?: { assetId?: unknown } }).props?.assetId)
  return records.filter((r) => r.typeName !== 'asset' || used.has(r.id))
}

function withDocumentAndPage(records: UnknownRecord[]): UnknownRecord[] {
  const added: UnknownRecord[] = []
  if (!records.some((r) => r.id === TLDOCUMENT_ID)) added.push(DocumentRecordType.create({ id: TLDOCUMENT_ID }))
  if (!records.some((r) => r.typeName === 'page')) added.push(PageRecordType.create({ id: FIRST_PAGE_ID, name: 'Page 1', index: 'a1' as IndexKey }))
  return [...added, ...records]
}

type Linked = UnknownRecord & { parentId?: string; index?: string; fromId?: string; toId?: string }

/**
 * What the board's fold keeps true of every live edit and tldraw takes for granted: each shape
 * hangs from a page, at most MAX_SHAPE_NESTING groups or frames deep; no two siblings share an
 * index (tldraw throws when it reorders them); bindings join shapes; the template admits every
 * element and relation. Checked whole here, in one pass, rather than by folding the file.
 */
function checkStructure(records: Linked[]) {
  const byId = new Map<string, Linked>(records.map((r) => [r.id, r]))
  const template = templateOf((id) => byId.get(id))
  const siblingIndices = new Map<string, Set<string>>()
  for (const r of records) {
    const problem = templateProblem(r, template)
    if (problem) refuse(problem.detail ?? `${r.id} breaks the board’s template`)
    if (r.typeName === 'binding' && ![r.fromId, r.toId].every((id) => byId.get(id ?? '')?.typeName === 'shape'))
      refuse(`binding ${r.id} does not join two shapes of the file`)
    if (r.typeName !== 'shape') continue
    let parent = byId.get(r.parentId ?? '')
    for (let depth = 0; parent?.typeName === 'shape'; depth++) {
      if (depth >= MAX_SHAPE_NESTING) refuse(`shape ${r.id} is nested more than ${MAX_SHAPE_NESTING} groups or frames deep, or in a cycle`)
      parent = byId.get(parent.parentId ?? '')
    }
    if (parent?.typeName !== 'page') refuse(`shape ${r.id} hangs from no page`)
    const indices = siblingIndices.get(r.parentId!) ?? new Set()
    if (indices.has(r.index!)) refuse(`two shapes under ${r.parentId} have the same index`)
    siblingIndices.set(r.parentId!, indices.add(r.index!))
  }
}
