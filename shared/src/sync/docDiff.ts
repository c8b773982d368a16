import type { RecordsDiff, UnknownRecord } from '@tldraw/store'
import { isEqual } from '@tldraw/utils'
import type { Placement } from './shapeTransforms.ts'

/**
 * A change to a board's document as it travels and is logged: per record id, a whole record
 * (put), the fields that changed (patch), or a removal. Patches carry only what the author
 * changed, so two people editing different fields of one shape both keep their edit.
 */
export type DocOp =
  | ['put', UnknownRecord]
  | ['put', UnknownRecord, ShapeContext]
  | ['patch', RecordPatch]
  | ['patch', RecordPatch, ShapeContext]
  | ['remove']
export type DocDiff = Record<string, DocOp>

/**
 * Where the author saw a shape inside a group or frame: its ancestors, nearest first and ending
 * with its page, and its placement on that page. When the parent is gone by the time the entry is
 * folded (deleted by someone else meanwhile), the fold can still keep the shape where its author
 * put it, under the nearest ancestor that is left.
 */
export interface ShapeContext extends Placement {
  ancestors: string[]
}

export interface FieldPatch {
  set?: Record<string, unknown>
  unset?: string[]
}
export interface RecordPatch extends FieldPatch {
  /** Per-key patches inside `props` and `meta`, the nested objects of a tldraw record. */
  nested?: Partial<Record<NestedKey, FieldPatch>>
}

export const NESTED_KEYS = ['props', 'meta'] as const
type NestedKey = (typeof NESTED_KEYS)[number]

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function diffFields(a: Record<string, unknown>, b: Record<string, unknown>, skip: ReadonlySet<string>): FieldPatch | null {
  let patch: FieldPatch | null = null
  for (const key of Object.keys(b)) {
    if (skip.has(key)) continue
    if (!Object.hasOwn(a, key) || !isEqual(a[key], b[key])) {
      patch ??= {}
      ;(patch.set ??= {})[key] = b[key]
    }
  }
  for (const key of Object.keys(a)) {
    if (skip.has(key) || Object.hasOwn(b, key)) continue
    patch ??= {}
    ;(patch.unset ??= []).push(key)
  }
  return patch
}

const NESTED_SET: ReadonlySet<string> = new Set(NESTED_KEYS)
const NOTHING: ReadonlySet<string> = new Set()

/** The patch that turns `from` into `to`, or null when they are equal. */
export function diffRecord(from: UnknownRecord, to: UnknownRecord): RecordPatch | null {
  const a = from as unknown as Record<string, unknown>
  const b = to as unknown as Record<string, unknown>
  let patch: RecordPatch | null = null
  for (const key of NESTED_KEYS) {
    const av = a[key]
    const bv = b[key]
    if (isPlainObject(av) && isPlainObject(bv)) {
      const inner = diffFields(av, bv, NOTHING)
      if (inner) {
        patch ??= {}
        ;(patch.nested ??= {})[key] = inner
      }
    } else if (!isEqual(av, bv)) {
      patch ??= {}
      if (bv === undefined) (patch.unset ??= []).push(key)
      else (patch.set ??= {})[key] = bv
    }
  }
  const top = diffFields(a, b, NESTED_SET)
  if (top) {
    patch ??= {}
    if (top.set) patch.set = { ...patch.set, ...top.set }
    if (top.unset) patch.unset = [...(patch.unset ?? []), ...top.unset]
  }
  return patch
}

function applyFields(target: Record<string, unknown>, patch: FieldPatch) {
  if (patch.set) for (const [k, v] of Object.entries(patch.set)) target[k] = v
  if (patch.unset) for (const k of patch.unset) delete target[k]
}

/** Applies a patch to a record, returning a new record (records are immutable). */
export function applyRecordPatch<R extends UnknownRecord>(record: R, patch: RecordPatch): R {
  const next = { ...(record as unknown as Record<string, unknown>) }
  applyFields(next, patch)
  if (patch.nested) {
    for (const key of NESTED_KEYS) {
      const inner = patch.nested[key]
      if (!inner) continue
      const base = isPlainObject(next[key]) ? (next[key] as Record<string, unknown>) : {}
      const merged = { ...base }
      applyFields(merged, inner)
      next[key] = merged
    }
  }
  return next as unknown as R
}

const PLACEMENT_KEYS = ['parentId', 'x', 'y', 'rotation']

/**
 * The wire form of a tldraw RecordsDiff made by a user. `contextOf` tells where a shape is as its
 * author sees it; it is asked for shapes that are added or moved.
 */
export function toDocDiff(diff: RecordsDiff<UnknownRecord>, contextOf?: (record: UnknownRecord) => ShapeContext | undefined): DocDiff | null {
  const out: DocDiff = {}
  let any = false
  for (const [id, record] of Object.entries(diff.added)) {
    const context = contextOf?.(record)
    out[id] = context ? ['put', record, context] : ['put', record]
    any = true
  }
  for (const [id, [from, to]] of Object.entries(diff.updated)) {
    const patch = diffRecord(from, to)
    if (patch) {
      const moved = PLACEMENT_KEYS.some((k) => patch.set && Object.hasOwn(patch.set, k))
      const context = moved ? contextOf?.(to) : undefined
      out[id] = context ? ['patch', patch, context] : ['patch', patch]
      any = true
    }
  }
  for (const id of Object.keys(diff.removed)) {
    out[id] = ['remove']
    any = true
  }
  return any ? out : null
}
