import type { RecordId, RecordsDiff, UnknownRecord } from '@tldraw/store'
import { isEqual } from '@tldraw/utils'
import { boardSchema, DOCUMENT_TYPE_NAMES } from '../schema/schema.ts'
import { applyRecordPatch, type DocDiff, type DocOp, type RecordPatch } from './docDiff.ts'
import { LIMITS } from './limits.ts'
import { measureJson } from './bounds.ts'
import { validationMessage } from '../protocol/validationMessage.ts'
import { checkRichText } from '../schema/richText.ts'
import { checkAssetSources } from '../schema/assetSrc.ts'
import { checkDrawSegments, hasDrawSegments } from '../schema/drawPath.ts'
import { templateOf, templateProblem } from '../template/rules.ts'
import { TEMPLATE_RECORD_ID } from '../template/templateRecord.ts'

/**
 * The fold of a board's log. Server and clients run this same function on the same ordered
 * entries, so they reach the same document without the server sending back what it applied.
 */
export interface RecordSource {
  get(id: string): UnknownRecord | undefined
  all(): Iterable<UnknownRecord>
  size(): number
}

export type FoldResult =
  | { ok: true; changes: RecordsDiff<UnknownRecord> }
  | { ok: false; reason: string }

class Rejection extends Error {}

function reject(reason: string): never {
  throw new Rejection(reason)
}

/** Checks one record against the board schema; throws a Rejection naming what is wrong. */
export function validateRecord(record: unknown, id?: string): UnknownRecord {
  if (typeof record !== 'object' || record === null) reject(`record ${id ?? ''} is not an object`)
  const r = record as Partial<UnknownRecord>
  if (typeof r.id !== 'string' || typeof r.typeName !== 'string') reject('record without id or typeName')
  if (id !== undefined && r.id !== id) reject(`record ${r.id} filed under id ${id}`)
  const maxBytes = r.typeName === 'asset' ? LIMITS.assetRecordBytes : LIMITS.recordBytes
  const size = measureJson(record, { maxDepth: LIMITS.recordDepth, maxBytes })
  if (!size.ok) reject(`${r.typeName} ${r.id.slice(0, 50)} is ${size.reason}`)
  const type = (boardSchema.types as Record<string, { scope: string; validate(r: unknown): unknown }>)[r.typeName]
  if (!type) reject(`unknown record type "${r.typeName}"`)
  if (!DOCUMENT_TYPE_NAMES.has(r.typeName)) reject(`"${r.typeName}" records are not part of a board`)
  if (!r.id.startsWith(r.typeName + ':')) reject(`id ${r.id} does not belong to type ${r.typeName}`)
  try {
    type.validate(record)
    // What tldraw's validators let through but its renderer, or every viewer's privacy, cannot take.
    const { props } = record as { props?: { richText?: unknown } }
    if (r.typeName === 'shape' && props && 'richText' in props) checkRichText(props.richText)
    if (r.typeName === 'asset') checkAssetSources(record)
    if (r.typeName === 'shape' && hasDrawSegments(record)) checkDrawSegments(record.props)
  } catch (e) {
    reject(`invalid ${r.typeName} ${r.id}: ${validationMessage(e)}`)
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

/**
 * What can be said of a push without the board: its form, and every whole record valid.
 * Run before a push enters the log, so garbage never does.
 */
export function checkDocDiff(diff: unknown): { ok: true; diff: DocDiff; bytes: number } | { ok: false; reason: string } {
  try {
    if (typeof diff !== 'object' || diff === null || Array.isArray(diff)) reject('diff must be an object')
    const size = measureJson(diff, { maxDepth: LIMITS.pushDepth, maxBytes: LIMITS.messageBytes })
    if (!size.ok) reject(`the change is ${size.reason}`)
    const entries = Object.entries(diff as Record<string, unknown>)
    if (entries.length === 0) reject('empty diff')
    if (entries.length > LIMITS.recordsPerPush) reject(`more than ${LIMITS.recordsPerPush} records in one change`)
    for (const [id, op] of entries) {
      if (!isValidId(id)) reject(`bad record id "${id.slice(0, 50)}"`)
      const typeName = id.slice(0, id.indexOf(':'))
      if (!DOCUMENT_TYPE_NAMES.has(typeName)) reject(`"${typeName}" records are not part of a board`)
      if (!Array.isArray(op)) reject(`operation on ${id} is not a list`)
      const [kind, arg] = op as unknown[]
      if (kind === 'put') {
        if (op.length !== 2) reject(`bad put on ${id}`)
        validateRecord(arg, id)
      } else if (kind === 'patch') {
        if (op.length !== 2 || !isRecordPatch(arg)) reject(`bad patch on ${id}`)
        const keys = [...Object.keys(arg.set ?? {}), ...(arg.unset ?? [])]
        if (keys.some((k) => FORBIDDEN_PATCH_KEYS.has(k))) reject(`a patch may not change the id or type of ${id}`)
      } else if (kind === 'remove') {
        if (op.length !== 1) reject(`bad remove on ${id}`)
      } else {
        reject(`unknown operation "${String(kind)}" on ${id}`)
      }
    }
    return { ok: true, diff: diff as DocDiff, bytes: size.bytes }
  } catch (e) {
    if (e instanceof Rejection) return { ok: false, reason: e.message }
    throw e
  }
}

type Id = RecordId<UnknownRecord>
type Rec = UnknownRecord & { parentId?: string; fromId?: string; toId?: string }

/**
 * Applies a checked diff to a document. Patches to records that are gone are dropped (the
 * deleter wins); removals cascade to children and bindings left dangling by concurrent edits.
 * Any record that ends invalid or points at nothing rejects the whole diff: nothing applies.
 */
export function foldDocDiff(source: RecordSource, diff: DocDiff): FoldResult {
  try {
    return { ok: true, changes: fold(source, diff) }
  } catch (e) {
    if (e instanceof Rejection) return { ok: false, reason: e.message }
    throw e
  }
}

function fold(source: RecordSource, diff: DocDiff): RecordsDiff<UnknownRecord> {
  const puts = new Map<string, Rec>()
  const removes = new Set<string>()
  const view = (id: string): Rec | undefined =>
    removes.has(id) ? undefined : ((puts.get(id) ?? source.get(id)) as Rec | undefined)

  for (const [id, op] of Object.entries(diff) as [string, DocOp][]) {
    if (op[0] === 'put') {
      puts.set(id, op[1] as Rec)
    } else if (op[0] === 'patch') {
      const current = source.get(id)
      if (!current) continue
      puts.set(id, validateRecord(applyRecordPatch(current, op[1]), id) as Rec)
    } else if (source.get(id)) {
      if (id === 'document:document') reject('the document record cannot be removed')
      removes.add(id)
    }
  }

  if ([...removes].some((id) => id.startsWith('page:'))) {
    let pages = 0
    for (const r of source.all()) if (r.typeName === 'page' && !removes.has(r.id)) pages++
    for (const [id, r] of puts) if (r.typeName === 'page' && !source.get(id)) pages++
    if (pages === 0) reject('a board needs at least one page')
  }

  const moved: { shape: Rec; depth: number }[] = []
  for (const r of puts.values()) {
    if (r.typeName === 'shape') {
      const depth = checkParentChain(r, view)
      const before = source.get(r.id) as Rec | undefined
      if (before && before.parentId !== r.parentId) moved.push({ shape: r, depth })
    }
    if (r.typeName === 'binding') {
      for (const end of [r.fromId, r.toId]) {
        if (!end || view(end)?.typeName !== 'shape') reject(`binding ${r.id} points at a missing shape ${end}`)
      }
    }
  }

  if (moved.length > 0) checkMovedSubtrees(moved, source, puts, removes)

  const template = templateOf(view)
  const previousTemplate = templateOf((id) => source.get(id))
  for (const r of puts.values()) {
    const problem = templateProblem(r, template, previousTemplate)
    if (problem) reject(problem)
  }
  if (removes.has(TEMPLATE_RECORD_ID)) reject('the board’s template cannot be removed')

  if (removes.size > 0) cascade(source, puts, removes)

  const changes: RecordsDiff<UnknownRecord> = { added: {}, updated: {}, removed: {} }
  let added = 0
  for (const [id, next] of puts) {
    const prev = source.get(id)
    if (!prev) {
      changes.added[id as Id] = next
      added++
    } else if (!isEqual(prev, next)) changes.updated[id as Id] = [prev, next]
  }
  for (const id of removes) changes.removed[id as Id] = source.get(id)!
  if (added > 0 && source.size() + added - removes.size > LIMITS.recordsPerBoard) {
    reject(`a board holds at most ${LIMITS.recordsPerBoard} records`)
  }
  return changes
}

/**
 * Shapes inside groups and frames inside one another. tldraw walks the chain recursively for every
 * transform and bound, so thousands of levels overflow the stack of every browser on the board.
 */
export const MAX_SHAPE_NESTING = 64

/** Walks a shape's ancestors; returns how many shapes the chain holds, the shape included. */
function checkParentChain(shape: Rec, view: (id: string) => Rec | undefined): number {
  const seen = new Set([shape.id])
  let parentId = shape.parentId
  for (;;) {
    if (!parentId) reject(`shape ${shape.id} has no parent`)
    const parent = view(parentId)
    if (!parent) reject(`shape ${shape.id} is on a page or shape that does not exist on this board (${parentId})`)
    if (parent.typeName === 'page') return seen.size
    if (parent.typeName !== 'shape') reject(`shape ${shape.id} has a ${parent.typeName} as parent`)
    if (seen.has(parent.id)) reject(`shape ${shape.id} is its own ancestor`)
    if (seen.size >= MAX_SHAPE_NESTING) reject(`shape ${shape.id} is nested more than ${MAX_SHAPE_NESTING} groups or frames deep`)
    seen.add(parent.id)
    parentId = parent.parentId
  }
}

/**
 * A shape moved under another carries its whole subtree along: the deepest shape of that subtree
 * must stay within the bound too, or nesting could grow past it one move at a time.
 */
function checkMovedSubtrees(moved: { shape: Rec; depth: number }[], source: RecordSource, puts: Map<string, Rec>, removes: Set<string>) {
  const children = new Map<string, string[]>()
  const index = (r: Rec) => {
    if (r.typeName !== 'shape' || !r.parentId) return
    const list = children.get(r.parentId)
    if (list) list.push(r.id)
    else children.set(r.parentId, [r.id])
  }
  for (const r of source.all()) if (!puts.has(r.id) && !removes.has(r.id)) index(r as Rec)
  for (const r of puts.values()) index(r)
  for (const { shape, depth } of moved) {
    let level: string[] = [shape.id]
    for (let below = 0; level.length > 0; below++) {
      if (depth + below > MAX_SHAPE_NESTING) reject(`moving ${shape.id} would nest shapes more than ${MAX_SHAPE_NESTING} groups or frames deep`)
      level = level.flatMap((id) => children.get(id) ?? [])
    }
  }
}

/** Removes what a removal leaves dangling: shapes whose parent is gone, bindings whose end is. */
function cascade(source: RecordSource, puts: Map<string, Rec>, removes: Set<string>) {
  const children = new Map<string, string[]>()
  const bindingsOf = new Map<string, string[]>()
  const note = (map: Map<string, string[]>, key: string | undefined, id: string) => {
    if (!key) return
    const list = map.get(key)
    if (list) list.push(id)
    else map.set(key, [id])
  }
  const index = (r: Rec) => {
    if (r.typeName === 'shape') note(children, r.parentId, r.id)
    else if (r.typeName === 'binding') {
      note(bindingsOf, r.fromId, r.id)
      note(bindingsOf, r.toId, r.id)
    }
  }
  for (const r of source.all()) if (!puts.has(r.id)) index(r as Rec)
  for (const r of puts.values()) index(r)

  const queue = [...removes]
  while (queue.length > 0) {
    const id = queue.pop()!
    for (const dependent of [...(children.get(id) ?? []), ...(bindingsOf.get(id) ?? [])]) {
      if (removes.has(dependent)) continue
      if (puts.has(dependent) && !source.get(dependent)) {
        reject(`${dependent} was added under ${id}, which is being removed`)
      }
      puts.delete(dependent)
      if (source.get(dependent)) removes.add(dependent)
      queue.push(dependent)
    }
  }
}

/** A RecordSource over a plain map, as the server keeps a board. */
export function mapSource(map: Map<string, UnknownRecord>): RecordSource {
  return { get: (id) => map.get(id), all: () => map.values(), size: () => map.size }
}

export function applyChangesToMap(map: Map<string, UnknownRecord>, changes: RecordsDiff<UnknownRecord>) {
  for (const [id, r] of Object.entries(changes.added)) map.set(id, r)
  for (const [id, [, r]] of Object.entries(changes.updated)) map.set(id, r)
  for (const id of Object.keys(changes.removed)) map.delete(id)
}
