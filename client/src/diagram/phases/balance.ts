import type { Editor, TLShapeId } from 'tldraw'
import type { Locale } from '../../i18n/strings.ts'
import { translate } from '../../i18n/translate.ts'
import { boardTemplate, isElement, labelText } from '../model/model.ts'

export interface Balance {
  counts: { id: string; label: string; color: string; count: number }[]
  total: number
  verdict: string
  balanced: boolean
  /** Cards left out of the counts because another card at the table has the same name. */
  duplicates: number
  /** What the table says of them ("2 nomi ripetuti…"), or '' when there are none. */
  duplicatesNote: string
}

/** How two cards' names compare: case, accents and spacing aside, "ARCI  Santarcangelo" is "Arci Santarcangelo". */
export function nameKey(name: string): string {
  return name
    .toLocaleLowerCase('it')
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * How balanced the negotiation table in `frameId` is: the actors placed anywhere inside it,
 * per sector. Balanced when every sector is there and none has more than twice another. An
 * organisation placed twice counts once (and is reported), or a copy would tip the balance; cards
 * still bearing their kind's name are distinct actors not yet named, each counted.
 */
export function tableBalance(editor: Editor, frameId: TLShapeId | undefined, locale: Locale): Balance {
  const template = boardTemplate(editor)
  const actorKinds = new Set(template.elementKinds.filter((k) => k.group === 'actor').map((k) => k.id))
  const kindNames = new Set(template.elementKinds.flatMap((k) => [k.label.it, k.label.en ?? '']).map(nameKey))
  const count = new Map(template.sectors.map((s) => [s.id, 0]))
  const seen = new Set<string>()
  let duplicates = 0
  if (frameId) {
    editor.visitDescendants(frameId, (id) => {
      const shape = editor.getShape(id)
      if (!isElement(shape) || !actorKinds.has(shape.props.kind) || !count.has(shape.props.sector)) return
      const key = nameKey(shape.props.name)
      const named = key !== '' && !kindNames.has(key)
      if (named && seen.has(key)) {
        duplicates++
        return
      }
      if (named) seen.add(key)
      count.set(shape.props.sector, count.get(shape.props.sector)! + 1)
    })
  }
  const duplicatesNote =
    duplicates === 0
      ? ''
      : duplicates === 1
        ? translate(locale, 'balance.duplicates.one')
        : translate(locale, 'balance.duplicates', { count: duplicates })
  const counts = template.sectors.map((s) => ({ id: s.id, label: labelText(s.label, locale), color: s.color, count: count.get(s.id)! }))
  const total = counts.reduce((n, c) => n + c.count, 0)
  const missing = counts.filter((c) => c.count === 0)
  const most = [...counts].sort((a, b) => b.count - a.count)[0]
  const least = [...counts].sort((a, b) => a.count - b.count)[0]
  const result = (verdict: string, balanced: boolean): Balance => ({ counts, total, verdict, balanced, duplicates, duplicatesNote })
  if (total === 0) return result(translate(locale, 'balance.empty'), false)
  if (missing.length > 0) return result(translate(locale, 'balance.missing', { sectors: missing.map((m) => m.label).join(', ') }), false)
  if (most.count > 2 * least.count) return result(translate(locale, 'balance.unbalanced', { sector: most.label }), false)
  return result(translate(locale, 'balance.balanced'), true)
}
