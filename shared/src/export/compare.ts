import type { UnknownRecord } from '@tldraw/store'
import { boardTables, collate } from './tables.ts'
import type { ElementRow, ExportLocale, PactRow, RelationRow } from './types.ts'

export interface FieldChange {
  field: 'name' | 'kind' | 'sector' | 'lines' | 'notes' | 'frame' | 'type' | 'source' | 'target' | 'commitment'
  before: string
  after: string
}

type Change = 'added' | 'removed' | 'changed'

export interface ElementChange {
  id: string
  name: string
  /** The kind's label in the comparison's language. */
  kind: string
  change: Change
  fields: FieldChange[]
}

export interface RelationChange {
  id: string
  /** "source → type → target", or "source → target" for an untyped arrow. */
  label: string
  change: Change
  fields: FieldChange[]
}

export interface BoardComparison {
  elements: ElementChange[]
  relations: RelationChange[]
  counts: Record<Change, number>
}

const CHANGE_ORDER: Record<Change, number> = { added: 0, changed: 1, removed: 2 }

/**
 * What changed between two states of a board (two snapshots, or a snapshot and the live board),
 * matched by record id. Only what the export shows counts: moving or resizing a card does not.
 */
export function compareBoards(before: UnknownRecord[], after: UnknownRecord[], locale: ExportLocale = 'it'): BoardComparison {
  const was = boardTables(before, locale)
  const is = boardTables(after, locale)
  const wasPact = new Map(was.pact.map((p) => [p.id, p]))
  const isPact = new Map(is.pact.map((p) => [p.id, p]))

  const elements = diff(
    was.elements,
    is.elements,
    elementFields,
    (row, change, fields): ElementChange => ({
      id: row.id,
      name: row.name,
      kind: row.kind,
      change,
      fields,
    })
  )
  const relations = diff(
    was.relations,
    is.relations,
    (b, a) => relationFields(b, a, wasPact.get(b.id), isPact.get(a.id)),
    (row, change, fields): RelationChange => ({ id: row.id, label: relationLabel(row), change, fields })
  )
  elements.sort((a, b) => CHANGE_ORDER[a.change] - CHANGE_ORDER[b.change] || collate(a.name, b.name) || collate(a.id, b.id))
  relations.sort((a, b) => CHANGE_ORDER[a.change] - CHANGE_ORDER[b.change] || collate(a.label, b.label) || collate(a.id, b.id))

  const counts: Record<Change, number> = { added: 0, removed: 0, changed: 0 }
  for (const { change } of [...elements, ...relations]) counts[change]++
  return { elements, relations, counts }
}

/** Rows matched by id; a removed row is described as it was, the others as they are now. */
function diff<R extends { id: string }, C>(
  before: R[],
  after: R[],
  fields: (before: R, after: R) => FieldChange[],
  describe: (row: R, change: Change, fields: FieldChange[]) => C
): C[] {
  const wasById = new Map(before.map((r) => [r.id, r]))
  const isIds = new Set(after.map((r) => r.id))
  const changes: C[] = []
  for (const row of after) {
    const was = wasById.get(row.id)
    if (!was) {
      changes.push(describe(row, 'added', []))
      continue
    }
    const changed = fields(was, row)
    if (changed.length > 0) changes.push(describe(row, 'changed', changed))
  }
  for (const row of before) if (!isIds.has(row.id)) changes.push(describe(row, 'removed', []))
  return changes
}

function elementFields(b: ElementRow, a: ElementRow): FieldChange[] {
  const fields: FieldChange[] = []
  if (b.name !== a.name) fields.push({ field: 'name', before: b.name, after: a.name })
  // By id: two kinds could share a label, and the label is what a reader sees anyway.
  if (b.kindId !== a.kindId) fields.push({ field: 'kind', before: b.kind, after: a.kind })
  if (b.sector !== a.sector) fields.push({ field: 'sector', before: b.sector, after: a.sector })
  if (!sameSet(b.lines, a.lines)) fields.push({ field: 'lines', before: b.lines.join(', '), after: a.lines.join(', ') })
  if (b.notes !== a.notes) fields.push({ field: 'notes', before: b.notes, after: a.notes })
  if (b.frame !== a.frame) fields.push({ field: 'frame', before: b.frame, after: a.frame })
  return fields
}

function relationFields(b: RelationRow, a: RelationRow, bPact: PactRow | undefined, aPact: PactRow | undefined): FieldChange[] {
  const fields: FieldChange[] = []
  if (b.typeId !== a.typeId) fields.push({ field: 'type', before: b.type, after: a.type })
  // By element id: renaming an end is that element's change, not the relation's.
  if (b.sourceId !== a.sourceId) fields.push({ field: 'source', before: b.source, after: a.source })
  if (b.targetId !== a.targetId) fields.push({ field: 'target', before: b.target, after: a.target })
  if (!sameSet(b.lines, a.lines)) fields.push({ field: 'lines', before: b.lines.join(', '), after: a.lines.join(', ') })
  if (commitmentChanged(b, a, bPact, aPact)) fields.push({ field: 'commitment', before: commitmentText(bPact), after: commitmentText(aPact) })
  return fields
}

/**
 * A pact row's "what" stands in with the target's name when the commitment has none: while it
 * does on both sides, renaming or re-targeting the end is reported once, on the element or the target.
 */
function commitmentChanged(b: RelationRow, a: RelationRow, bPact: PactRow | undefined, aPact: PactRow | undefined): boolean {
  if (!bPact || !aPact) return bPact !== aPact
  const sameWhat = bPact.what === aPact.what || (bPact.what === b.target && aPact.what === a.target)
  return !sameWhat || bPact.by !== aPact.by || bPact.resources !== aPact.resources
}

function commitmentText(pact: PactRow | undefined): string {
  if (!pact) return ''
  return [pact.what, pact.by, pact.resources].filter((part) => part !== '').join(' · ')
}

function relationLabel(row: RelationRow): string {
  return (row.type ? [row.source, row.type, row.target] : [row.source, row.target]).join(' → ')
}

function sameSet(a: string[], b: string[]): boolean {
  const set = new Set(a)
  return set.size === new Set(b).size && b.every((x) => set.has(x))
}
