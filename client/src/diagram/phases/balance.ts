import type { Editor, TLShapeId } from 'tldraw'
import type { Locale } from '../../i18n/strings.ts'
import { translate } from '../../i18n/translate.ts'
import { boardTemplate, isElement, labelText } from '../model/model.ts'

export interface Balance {
  counts: { id: string; label: string; color: string; count: number }[]
  total: number
  verdict: string
  balanced: boolean
}

/**
 * How balanced the negotiation table in `frameId` is: the actors placed anywhere inside it,
 * per sector. Balanced when every sector is there and none has more than twice another.
 */
export function tableBalance(editor: Editor, frameId: TLShapeId | undefined, locale: Locale): Balance {
  const template = boardTemplate(editor)
  const actorKinds = new Set(template.elementKinds.filter((k) => k.group === 'actor').map((k) => k.id))
  const count = new Map(template.sectors.map((s) => [s.id, 0]))
  if (frameId) {
    editor.visitDescendants(frameId, (id) => {
      const shape = editor.getShape(id)
      if (isElement(shape) && actorKinds.has(shape.props.kind) && count.has(shape.props.sector)) {
        count.set(shape.props.sector, count.get(shape.props.sector)! + 1)
      }
    })
  }
  const counts = template.sectors.map((s) => ({ id: s.id, label: labelText(s.label, locale), color: s.color, count: count.get(s.id)! }))
  const total = counts.reduce((n, c) => n + c.count, 0)
  const missing = counts.filter((c) => c.count === 0)
  const most = [...counts].sort((a, b) => b.count - a.count)[0]
  const least = [...counts].sort((a, b) => a.count - b.count)[0]
  if (total === 0) return { counts, total, verdict: translate(locale, 'balance.empty'), balanced: false }
  if (missing.length > 0) {
    return { counts, total, verdict: translate(locale, 'balance.missing', { sectors: missing.map((m) => m.label).join(', ') }), balanced: false }
  }
  if (most.count > 2 * least.count) {
    return { counts, total, verdict: translate(locale, 'balance.unbalanced', { sector: most.label }), balanced: false }
  }
  return { counts, total, verdict: translate(locale, 'balance.balanced'), balanced: true }
}
