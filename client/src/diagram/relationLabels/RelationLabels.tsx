import type { RelationType } from '@opificio/shared'
import { createPortal } from 'react-dom'
import { useValue, type Editor } from 'tldraw'
import { useUserStore } from '../../user/userStore.ts'
import { fadedShapeIds, useShownHighlight } from '../highlight/views.tsx'
import { boardTemplate, isArrow, labelText, relationOf } from '../model/model.ts'
import { RELATION_HEX } from '../shapes/tldrawColors.ts'
import { arrowMidpoint } from './arrowMidpoint.ts'
import { useRelationLabels } from './relationLabelsStore.ts'

interface Placed {
  id: string
  type: RelationType
  x: number
  y: number
  faded: boolean
}

/**
 * Each typed arrow's relation in words at its middle, when this screen asks for it. Drawn over
 * tldraw's canvas (inside its container, below its menus) rather than as arrow text: the board is
 * shared, and one screen's reading aid must not change everyone's diagram.
 */
export function RelationLabels({ editor }: { editor: Editor }) {
  const show = useRelationLabels((s) => s.show)
  return show ? createPortal(<LabelLayer editor={editor} />, editor.getContainer()) : null
}

function LabelLayer({ editor }: { editor: Editor }) {
  const locale = useUserStore((s) => s.locale)
  const highlight = useShownHighlight(editor)
  const placed = useValue('relation labels', () => {
    const types = new Map(boardTemplate(editor).relationTypes.map((r) => [r.id, r]))
    const faded = new Set(fadedShapeIds(editor, highlight))
    const out: Placed[] = []
    for (const shape of editor.getCurrentPageShapes()) {
      if (!isArrow(shape)) continue
      const type = types.get(relationOf(shape).relation ?? '')
      const middle = type && arrowMidpoint(editor, shape)
      if (!type || !middle) continue
      const at = editor.pageToViewport(middle)
      out.push({ id: shape.id, type, x: at.x, y: at.y, faded: faded.has(shape.id) })
    }
    return out
  }, [editor, highlight])
  // Hidden from assistive technology: it repeats, for the eye, what the legend and the inspector say.
  return (
    <div className="op-relation-labels" aria-hidden="true">
      {placed.map((p) => (
        <span
          key={p.id}
          className="op-relation-label"
          data-relation={p.type.id}
          data-faded={p.faded || undefined}
          style={{ left: p.x, top: p.y, borderColor: RELATION_HEX[p.type.color] }}
        >
          {labelText(p.type.label, locale)}
        </span>
      ))}
    </div>
  )
}
