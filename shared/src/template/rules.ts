import type { UnknownRecord } from '@tldraw/store'
import { ELEMENT_SHAPE, type RelationMeta } from '../diagram/elementShape.ts'
import { OPIFICIO_TEMPLATE } from './opificio.ts'
import { withCurrentColours } from './oldColours.ts'
import { TEMPLATE_RECORD_ID } from './templateRecord.ts'
import type { ProcessTemplate } from './types.ts'
import { refusal, type Refusal, type TemplateItem } from '../protocol/refusal.ts'

/** Each stored template record as shown (records are never changed in place, so it holds). */
const shown = new WeakMap<object, ProcessTemplate>()

/**
 * The board's template: its own record, or the default for boards made before templates existed;
 * a board made before the contrast fix shows the current colours in place of the old default ones.
 */
export function templateOf(get: (id: string) => UnknownRecord | undefined): ProcessTemplate {
  const record = get(TEMPLATE_RECORD_ID) as unknown as ProcessTemplate | undefined
  if (!record) return OPIFICIO_TEMPLATE
  let template = shown.get(record)
  if (!template) {
    template = withCurrentColours(record)
    shown.set(record, template)
  }
  return template
}

const ids = (items: { id: string }[]) => new Set(items.map((i) => i.id))

const missing = (what: TemplateItem, id: string, detail: string) => refusal('not-in-template', { what, id: id.slice(0, 80) }, detail)

const LISTS = [
  ['sectors', 'sector'],
  ['lines', 'line'],
  ['elementKinds', 'kind'],
  ['relationTypes', 'relation'],
  ['phases', 'phase'],
] as const

/** Why a record breaks the board's template, or null. Part of the fold: every side decides alike. */
export function templateProblem(record: UnknownRecord, template: ProcessTemplate, previous?: ProcessTemplate): Refusal | null {
  if (record.id === TEMPLATE_RECORD_ID) return previous ? removedFromTemplate(previous, record as unknown as ProcessTemplate) : null
  if (record.typeName !== 'shape') return null
  const shape = record as UnknownRecord & { type: string; props: Record<string, unknown>; meta: Record<string, unknown> }
  if (shape.type === ELEMENT_SHAPE) {
    const { kind, sector, lines } = shape.props as { kind: string; sector: string; lines: string[] }
    if (!ids(template.elementKinds).has(kind)) return missing('kind', kind, `element kind "${kind}" is not in this board's template`)
    if (sector !== '' && !ids(template.sectors).has(sector)) return missing('sector', sector, `sector "${sector}" is not in this board's template`)
    const known = ids(template.lines)
    const unknown = lines.find((l) => !known.has(l))
    if (unknown !== undefined) return missing('line', unknown, `production line "${unknown}" is not in this board's template`)
    return null
  }
  if (shape.type === 'arrow') return relationProblem(shape.meta as RelationMeta, template)
  return null
}

function relationProblem(meta: RelationMeta, template: ProcessTemplate): Refusal | null {
  if (meta.relation !== undefined) {
    if (typeof meta.relation !== 'string' || !ids(template.relationTypes).has(meta.relation)) {
      return missing('relation', String(meta.relation), `relation type "${String(meta.relation)}" is not in this board's template`)
    }
  }
  if (meta.lines !== undefined) {
    const known = ids(template.lines)
    if (!Array.isArray(meta.lines) || meta.lines.some((l) => typeof l !== 'string' || !known.has(l))) {
      const line = Array.isArray(meta.lines) ? meta.lines.find((l) => typeof l !== 'string' || !known.has(l)) : undefined
      return missing('line', String(line ?? ''), 'a relation names a production line that is not in this board’s template')
    }
  }
  if (meta.commitment !== undefined) {
    const c = meta.commitment as Record<string, unknown>
    const fields = ['what', 'by', 'resources']
    if (typeof c !== 'object' || c === null || fields.some((f) => typeof c[f] !== 'string' || (c[f] as string).length > 1000)) {
      return refusal('commitment-incomplete', {}, 'a commitment needs what, by when and resources as text')
    }
  }
  return null
}

/** Types can be renamed and added while a board is in use, never removed: shapes may use them. */
function removedFromTemplate(previous: ProcessTemplate, next: ProcessTemplate): Refusal | null {
  for (const [list, what] of LISTS) {
    const kept = ids(next[list])
    const gone = previous[list].find((item) => !kept.has(item.id))
    if (gone)
      return refusal(
        'template-removal',
        { what, id: gone.id.slice(0, 80) },
        `"${gone.id}" cannot be removed from the template (${list}); rename it instead`
      )
  }
  return null
}
