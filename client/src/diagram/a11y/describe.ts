import type { ElementShape, ProcessTemplate, RelationMeta } from '@opificio/shared'
import type { Editor, TLArrowShape, TLShape } from 'tldraw'
import type { Locale } from '../../i18n/strings.ts'
import { translate } from '../../i18n/translate.ts'
import { arrowEnds, boardTemplate, isElement, labelText, relationOf } from '../model/model.ts'

/** What a screen reader hears of an element: kind and name, sector, production lines, how many relations. */
export function elementDescription(
  element: Pick<ElementShape['props'], 'kind' | 'name' | 'sector' | 'lines'>,
  template: ProcessTemplate,
  locale: Locale,
  relations: number
): string {
  const kind = template.elementKinds.find((k) => k.id === element.kind)
  const kindLabel = kind ? labelText(kind.label, locale) : element.kind
  const name = element.name.trim()
  // A card still named after its kind would be read twice ("Comune: Comune").
  const parts = [name && name !== kindLabel ? `${kindLabel}: ${name}` : kindLabel]
  const sector = template.sectors.find((s) => s.id === element.sector)
  if (sector) parts.push(translate(locale, 'element.aria.sector', { sector: labelText(sector.label, locale) }))
  const lines = linesText(element.lines, template, locale)
  if (lines) parts.push(translate(locale, 'element.aria.lines', { lines }))
  if (relations > 0) parts.push(translate(locale, relations === 1 ? 'a11y.relations.one' : 'a11y.relations', { count: relations }))
  return parts.join('. ')
}

/** What a screen reader hears of a relation: its type, who to whom, its lines and commitment. */
export function relationDescription(meta: RelationMeta, ends: { from: string; to: string }, template: ProcessTemplate, locale: Locale): string {
  const type = template.relationTypes.find((r) => r.id === meta.relation)
  const parts = [
    translate(locale, 'a11y.relation', {
      type: type ? labelText(type.label, locale) : translate(locale, 'relation.none'),
      from: ends.from,
      to: ends.to,
    }),
  ]
  const lines = linesText(meta.lines ?? [], template, locale)
  if (lines) parts.push(translate(locale, 'element.aria.lines', { lines }))
  const c = type?.commitment ? meta.commitment : undefined
  if (c?.what.trim()) parts.push(`${translate(locale, 'inspector.commitment.what')}: ${c.what.trim()}`)
  if (c?.by.trim()) parts.push(`${translate(locale, 'inspector.commitment.by')}: ${c.by.trim()}`)
  if (c?.resources.trim()) parts.push(`${translate(locale, 'inspector.commitment.resources')}: ${c.resources.trim()}`)
  return parts.join('. ')
}

function linesText(ids: readonly string[], template: ProcessTemplate, locale: Locale): string {
  return ids
    .flatMap((id) => {
      const line = template.lines.find((l) => l.id === id)
      return line ? [labelText(line.label, locale)] : []
    })
    .join(', ')
}

function editorLocale(editor: Editor): Locale {
  return editor.user.getLocale() === 'en' ? 'en' : 'it'
}

/** An element's descriptor as tldraw's announcer reads it (ElementShapeUtil.getAriaDescriptor). */
export function describeElement(editor: Editor, shape: ElementShape): string {
  const relations = editor.getBindingsToShape(shape, 'arrow').length
  return elementDescription(shape.props, boardTemplate(editor), editorLocale(editor), relations)
}

/** An arrow's descriptor: the relation it stands for, with the names of what it joins. */
export function describeRelation(editor: Editor, arrow: TLArrowShape): string {
  const locale = editorLocale(editor)
  const template = boardTemplate(editor)
  const { start, end } = arrowEnds(editor, arrow)
  const name = (shape: TLShape | undefined) => {
    if (!shape) return translate(locale, 'inspector.unbound')
    if (!isElement(shape)) return shape.type
    const kind = template.elementKinds.find((k) => k.id === shape.props.kind)
    return shape.props.name.trim() || (kind ? labelText(kind.label, locale) : shape.props.kind)
  }
  return relationDescription(relationOf(arrow), { from: name(start), to: name(end) }, template, locale)
}
