import type { UnknownRecord } from '@tldraw/store'
import { refusal, type Refusal, type RefusalCode, type RefusalParamsByCode } from '../protocol/refusal.ts'
import { validationMessage } from '../protocol/validationMessage.ts'
import { checkAssetSources } from '../schema/assetSrc.ts'
import { checkDrawSegments, hasDrawSegments } from '../schema/drawPath.ts'
import { checkRichText } from '../schema/richText.ts'
import { boardSchema, DOCUMENT_TYPE_NAMES } from '../schema/schema.ts'
import { type JsonBounds, type Measured, measureJson } from './bounds.ts'
import type { DocDiff, RecordPatch } from './docDiff.ts'
import { LIMITS } from './limits.ts'

/**
 * What can be checked of a push without the board: its form, its bounds, every whole record
 * against the schema. Run by the server before a push enters the log (garbage never does), and
 * by the fold on every record a patch produces. A refusal carries a code the client words.
 */

/**
 * Shapes inside groups and frames inside one another. tldraw walks the chain recursively for every
 * transform and bound, so thousands of levels overflow the stack of every browser on the board.
 */
export const MAX_SHAPE_NESTING = 64

export class Rejection extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.detail)
  }
}

/** Refuses the change with a code the client translates; `detail` is for logs and developers. */
export function reject<C extends RefusalCode>(code: C, params: RefusalParamsByCode[C], detail: string): never {
  throw new Rejection(refusal(code, params, detail))
}

/** A broken size or depth bound as a refusal; anything else JSON cannot carry is malformed. */
function rejectBounds(size: Measured & { ok: false }, bounds: JsonBounds, detail: string): never {
  if (size.exceeded === 'depth') reject('too-deep', { limit: bounds.maxDepth }, detail)
  if (size.exceeded === 'bytes') reject('too-large', { limit: bounds.maxBytes }, detail)
  reject('malformed', {}, detail)
}

/** Checks one record against the board schema; throws a Rejection naming what is wrong. */
export function validateRecord(record: unknown, id?: string): UnknownRecord {
  if (typeof record !== 'object' || record === null) reject('malformed', {}, `record ${id ?? ''} is not an object`)
  const r = record as Partial<UnknownRecord>
  if (typeof r.id !== 'string' || typeof r.typeName !== 'string') reject('malformed', {}, 'record without id or typeName')
  if (id !== undefined && r.id !== id) reject('malformed', {}, `record ${r.id} filed under id ${id}`)
  const maxBytes = r.typeName === 'asset' ? LIMITS.assetRecordBytes : LIMITS.recordBytes
  const bounds = { maxDepth: LIMITS.recordDepth, maxBytes }
  const size = measureJson(record, bounds)
  if (!size.ok) rejectBounds(size, bounds, `${r.typeName} ${r.id.slice(0, 50)} is ${size.reason}`)
  const type = (boardSchema.types as Record<string, { scope: string; validate(r: unknown): unknown }>)[r.typeName]
  if (!type) reject('record-type', { type: r.typeName.slice(0, 50) }, `unknown record type "${r.typeName}"`)
  if (!DOCUMENT_TYPE_NAMES.has(r.typeName)) reject('record-type', { type: r.typeName }, `"${r.typeName}" records are not part of a board`)
  if (!r.id.startsWith(r.typeName + ':')) reject('malformed', {}, `id ${r.id} does not belong to type ${r.typeName}`)
  try {
    type.validate(record)
    // What tldraw's validators let through but its renderer, or every viewer's privacy, cannot take.
    const { props } = record as { props?: { richText?: unknown } }
    if (r.typeName === 'shape' && props && 'richText' in props) checkRichText(props.richText)
    if (r.typeName === 'asset') checkAssetSources(record)
    if (r.typeName === 'shape' && hasDrawSegments(record)) checkDrawSegments(record.props)
  } catch (e) {
    reject('record-invalid', { type: r.typeName }, `invalid ${r.typeName} ${r.id}: ${validationMessage(e)}`)
  }
  return record as UnknownRecord
}

function isValidId(id: string) {
  return id.length > 0 && id.length <= LIMITS.idLength && id.includes(':')
}

/** Keys that would reach an object's prototype instead of its own fields. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

function isFieldPatch(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const p = v as { set?: unknown; unset?: unknown }
  if (p.set !== undefined && (typeof p.set !== 'object' || p.set === null || Array.isArray(p.set))) return false
  if (p.unset !== undefined && !(Array.isArray(p.unset) && p.unset.every((k) => typeof k === 'string'))) return false
  const keys = [...Object.keys((p.set as object) ?? {}), ...((p.unset as string[]) ?? [])]
  return !keys.some((k) => UNSAFE_KEYS.has(k))
}

function isRecordPatch(v: unknown): v is RecordPatch {
  if (!isFieldPatch(v)) return false
  const nested = (v as { nested?: unknown }).nested
  if (nested === undefined) return true
  if (typeof nested !== 'object' || nested === null) return false
  return Object.entries(nested).every(([k, p]) => (k === 'props' || k === 'meta') && isFieldPatch(p))
}

const FORBIDDEN_PATCH_KEYS = new Set(['id', 'typeName'])

function isShapeContext(v: unknown, typeName: string): boolean {
  if (typeName !== 'shape' || typeof v !== 'object' || v === null) return false
  const c = v as Record<string, unknown>
  const finite = (n: unknown) => typeof n === 'number' && Number.isFinite(n)
  return (
    Object.keys(c).length === 4 &&
    finite(c.x) &&
    finite(c.y) &&
    finite(c.rotation) &&
    Array.isArray(c.ancestors) &&
    c.ancestors.length > 0 &&
    c.ancestors.length <= MAX_SHAPE_NESTING &&
    c.ancestors.every((a) => typeof a === 'string' && isValidId(a))
  )
}

/**
 * What can be said of a push without the board: its form, and every whole record valid.
 * Run before a push enters the log, so garbage never does.
 */
export function checkDocDiff(diff: unknown): { ok: true; diff: DocDiff; bytes: number } | { ok: false; refusal: Refusal } {
  try {
    if (typeof diff !== 'object' || diff === null || Array.isArray(diff)) reject('malformed', {}, 'diff must be an object')
    const bounds = { maxDepth: LIMITS.pushDepth, maxBytes: LIMITS.messageBytes }
    const size = measureJson(diff, bounds)
    if (!size.ok) rejectBounds(size, bounds, `the change is ${size.reason}`)
    const entries = Object.entries(diff as Record<string, unknown>)
    if (entries.length === 0) reject('malformed', {}, 'empty diff')
    if (entries.length > LIMITS.recordsPerPush)
      reject('too-many-records', { limit: LIMITS.recordsPerPush }, `more than ${LIMITS.recordsPerPush} records in one change`)
    for (const [id, op] of entries) {
      if (!isValidId(id)) reject('malformed', {}, `bad record id "${id.slice(0, 50)}"`)
      const typeName = id.slice(0, id.indexOf(':'))
      if (!DOCUMENT_TYPE_NAMES.has(typeName)) reject('record-type', { type: typeName.slice(0, 50) }, `"${typeName}" records are not part of a board`)
      if (!Array.isArray(op)) reject('malformed', {}, `operation on ${id} is not a list`)
      const [kind, arg] = op as unknown[]
      if (kind === 'put') {
        if (op.length !== 2 && !(op.length === 3 && isShapeContext(op[2], typeName))) reject('malformed', {}, `bad put on ${id}`)
        validateRecord(arg, id)
      } else if (kind === 'patch') {
        if ((op.length !== 2 && !(op.length === 3 && isShapeContext(op[2], typeName))) || !isRecordPatch(arg))
          reject('malformed', {}, `bad patch on ${id}`)
        const keys = [...Object.keys(arg.set ?? {}), ...(arg.unset ?? [])]
        if (keys.some((k) => FORBIDDEN_PATCH_KEYS.has(k))) reject('malformed', {}, `a patch may not change the id or type of ${id}`)
      } else if (kind === 'remove') {
        if (op.length !== 1) reject('malformed', {}, `bad remove on ${id}`)
      } else {
        reject('malformed', {}, `unknown operation "${String(kind).slice(0, 50)}" on ${id}`)
      }
    }
    return { ok: true, diff: diff as DocDiff, bytes: size.bytes }
  } catch (e) {
    if (e instanceof Rejection) return { ok: false, refusal: e.refusal }
    throw e
  }
}
