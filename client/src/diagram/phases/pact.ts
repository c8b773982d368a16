import type { PactRow } from '@opificio/shared'
import type { Editor } from 'tldraw'
import { arrowEnds, boardTemplate, isArrow, isElement, relationOf } from '../model/model.ts'

export type { PactRow }

/** The "chi fa cosa" rows: every commitment relation on the page, actor first. */
export function pactRows(editor: Editor): PactRow[] {
  const commitments = new Set(
    boardTemplate(editor)
      .relationTypes.filter((r) => r.commitment)
      .map((r) => r.id)
  )
  const rows: PactRow[] = []
  for (const shape of editor.getCurrentPageShapes()) {
    if (!isArrow(shape)) continue
    const meta = relationOf(shape)
    if (!meta.relation || !commitments.has(meta.relation)) continue
    const { start, end } = arrowEnds(editor, shape)
    const name = (s: typeof start) => (isElement(s) ? s.props.name : '')
    rows.push({
      id: shape.id,
      who: name(start),
      what: meta.commitment?.what || name(end),
      by: meta.commitment?.by ?? '',
      resources: meta.commitment?.resources ?? '',
    })
  }
  return rows.sort((a, b) => a.who.localeCompare(b.who, 'it'))
}
