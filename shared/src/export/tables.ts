import type { UnknownRecord } from '@tldraw/store'
import { ELEMENT_SHAPE, type ElementShapeProps, type RelationMeta } from '../diagram/elementShape.ts'
import type { VoteRecord } from '../session/voteRecords.ts'
import { templateOf } from '../template/rules.ts'
import type { Label, ProcessTemplate } from '../template/types.ts'
import type { BoardTables, BodyRow, ElementRow, ExportLocale, PactRow, RelationRow, VoteResultRow } from './types.ts'

interface ShapeRecord extends UnknownRecord {
  type: string
  parentId: string
  props: Record<string, unknown>
  meta: Record<string, unknown>
}
type ElementRecord = ShapeRecord & { props: ElementShapeProps }
type Ends = { start?: string; end?: string }

/**
 * Relation types whose source becomes a member of the governance body at its target. Only
 * "partecipa a" (actor → body, "is a member of") says membership: "coordina" or "rappresenta"
 * pointing at a body say who steers or speaks for it, not who sits in it, and a bound
 * "collabora con" is a peer. A `partecipa` drawn the wrong way round (body → actor) does not
 * count: the facilitator can reverse it on the board, and guessing would misread two bodies
 * related to each other (a Community Manager partecipa alla Cabina di regia).
 */
const MEMBERSHIP_RELATIONS: ReadonlySet<string> = new Set(['partecipa'])

/** Italian order, numbers by value: "Tavolo 2" before "Tavolo 10", as a person lists them. */
const COLLATOR = new Intl.Collator('it', { numeric: true })
export const collate = (a: string, b: string) => COLLATOR.compare(a, b)

function labelIn(label: Label | undefined, id: string, locale: ExportLocale): string {
  if (!label) return id
  return (locale === 'en' && label.en) || label.it
}

/** Everything the export shows of a board, from its records alone (server and browser alike). */
export function boardTables(records: UnknownRecord[], locale: ExportLocale = 'it'): BoardTables {
  const byId = new Map(records.map((r) => [r.id as string, r]))
  const template = templateOf((id) => byId.get(id))
  const shapes = records.filter((r): r is ShapeRecord => r.typeName === 'shape')
  const elements = new Map(shapes.filter((s): s is ElementRecord => s.type === ELEMENT_SHAPE).map((s) => [s.id as string, s]))
  const arrows = shapes.filter((s) => s.type === 'arrow')
  const ends = arrowEnds(records)
  const labels = labeller(template, locale)
  const nameOf = (id: string | undefined) => (id === undefined ? '' : (elements.get(id)?.props.name ?? ''))

  const elementRows = [...elements.values()]
    .map((e) => elementRow(e, labels, frameOf(e, byId)))
    .sort((a, b) => collate(a.frame, b.frame) || collate(a.name, b.name) || collate(a.id, b.id))

  const relationRows: RelationRow[] = []
  for (const arrow of arrows) {
    const { start, end } = ends.get(arrow.id) ?? {}
    if (start === undefined || end === undefined || !elements.has(start) || !elements.has(end)) continue
    const meta = arrow.meta as RelationMeta
    relationRows.push({
      id: arrow.id,
      type: meta.relation ? labels.relation(meta.relation) : '',
      typeId: meta.relation ?? '',
      source: nameOf(start),
      sourceId: start,
      target: nameOf(end),
      targetId: end,
      lines: (meta.lines ?? []).map(labels.line),
    })
  }
  relationRows.sort((a, b) => collate(a.source, b.source) || collate(a.target, b.target) || collate(a.type, b.type) || collate(a.id, b.id))

  return {
    elements: elementRows,
    relations: relationRows,
    bodies: bodyRows(elementRows, relationRows, template),
    pact: pactRows(arrows, ends, template, nameOf),
    votes: voteRows(records, nameOf),
  }
}

function labeller(template: ProcessTemplate, locale: ExportLocale) {
  const index = <T extends { id: string; label: Label }>(items: T[]) => new Map(items.map((i) => [i.id, i.label]))
  const kinds = new Map(template.elementKinds.map((k) => [k.id, k]))
  const sectors = index(template.sectors)
  const lines = index(template.lines)
  const relations = index(template.relationTypes)
  return {
    kind: (id: string) => labelIn(kinds.get(id)?.label, id, locale),
    sector: (id: string) => (id === '' ? '' : labelIn(sectors.get(id), id, locale)),
    line: (id: string) => labelIn(lines.get(id), id, locale),
    relation: (id: string) => labelIn(relations.get(id), id, locale),
    group: (id: string) => kinds.get(id)?.group ?? '',
  }
}

function elementRow(e: ElementRecord, labels: ReturnType<typeof labeller>, frame: string): ElementRow {
  const { kind, name, sector, lines, notes } = e.props
  return {
    id: e.id,
    kind: labels.kind(kind),
    kindId: kind,
    group: labels.group(kind),
    name,
    sector: labels.sector(sector),
    lines: lines.map(labels.line),
    notes,
    frame,
  }
}

/** The name of the nearest frame up the parent chain: elements inside a group inside a frame are in it too. */
function frameOf(shape: ShapeRecord, byId: Map<string, UnknownRecord>): string {
  const seen = new Set<string>()
  let parent = byId.get(shape.parentId) as ShapeRecord | undefined
  while (parent?.typeName === 'shape' && !seen.has(parent.id)) {
    if (parent.type === 'frame') return String(parent.props.name ?? '')
    seen.add(parent.id)
    parent = byId.get(parent.parentId) as ShapeRecord | undefined
  }
  return ''
}

/** The shapes each arrow's ends are bound to, from the arrow bindings. */
function arrowEnds(records: UnknownRecord[]): Map<string, Ends> {
  const ends = new Map<string, Ends>()
  for (const r of records) {
    if (r.typeName !== 'binding') continue
    const b = r as UnknownRecord & { type: string; fromId: string; toId: string; props: { terminal?: string } }
    const terminal = b.props.terminal
    if (b.type !== 'arrow' || (terminal !== 'start' && terminal !== 'end')) continue
    const found = ends.get(b.fromId) ?? {}
    found[terminal] = b.toId
    ends.set(b.fromId, found)
  }
  return ends
}

function bodyRows(elements: ElementRow[], relations: RelationRow[], template: ProcessTemplate): BodyRow[] {
  const governance = new Set(template.elementKinds.filter((k) => k.group === 'governance').map((k) => k.id))
  return elements
    .filter((e) => governance.has(e.kindId))
    .map((body) => {
      // By element, so an actor linked twice is listed once.
      const members = new Map<string, string>()
      for (const r of relations) if (r.targetId === body.id && MEMBERSHIP_RELATIONS.has(r.typeId)) members.set(r.sourceId, r.source)
      return { id: body.id, name: body.name, kind: body.kind, members: [...members.values()].sort(collate) }
    })
    .sort((a, b) => collate(a.name, b.name) || collate(a.id, b.id))
}

/** The pact's "chi fa cosa", as the board's pact shape shows it (client/src/diagram/phases/pact.ts). */
function pactRows(arrows: ShapeRecord[], ends: Map<string, Ends>, template: ProcessTemplate, nameOf: (id?: string) => string): PactRow[] {
  const commitments = new Set(template.relationTypes.filter((r) => r.commitment).map((r) => r.id))
  const rows: PactRow[] = []
  for (const arrow of arrows) {
    const meta = arrow.meta as RelationMeta
    if (!meta.relation || !commitments.has(meta.relation)) continue
    const { start, end } = ends.get(arrow.id) ?? {}
    rows.push({
      id: arrow.id,
      who: nameOf(start),
      what: meta.commitment?.what || nameOf(end),
      by: meta.commitment?.by ?? '',
      resources: meta.commitment?.resources ?? '',
    })
  }
  return rows.sort((a, b) => collate(a.who, b.who) || collate(a.id, b.id))
}

function voteRows(records: UnknownRecord[], nameOf: (id?: string) => string): VoteResultRow[] {
  const rows: VoteResultRow[] = []
  for (const r of records) {
    if (r.typeName !== 'vote') continue
    const vote = r as VoteRecord
    if (vote.state !== 'revealed' || !vote.results) continue
    for (const target of vote.targets) rows.push({ voteId: vote.id, elementId: target, element: nameOf(target), count: vote.results[target] ?? 0 })
  }
  return rows.sort((a, b) => collate(a.voteId, b.voteId) || b.count - a.count || collate(a.element, b.element) || collate(a.elementId, b.elementId))
}
