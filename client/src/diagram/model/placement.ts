import { ELEMENT_SHAPE, type ElementKind, type ElementShape } from '@opificio/shared'
import { Box, createShapeId, type Editor, type TLShape, type VecLike } from 'tldraw'
import type { Locale } from '../../i18n/strings.ts'
import { isElement, labelText } from './model.ts'

export const ELEMENT_SIZE = { w: 220, h: 120 }

/** The part of the canvas (screen coordinates) that tldraw's menu, style panel and toolbar leave visible. */
export function clearScreenArea(editor: Editor): Box {
  const screen = editor.getViewportScreenBounds()
  const left = 24
  const top = 80
  const right = Math.min(300, screen.w * 0.3)
  const bottom = 80
  return new Box(left, top, Math.max(100, screen.w - left - right), Math.max(100, screen.h - top - bottom))
}

/** Where "place it in view" puts things: the middle of what the user can actually see. */
export function visibleCentre(editor: Editor) {
  return editor.screenToPage(editor.getViewportScreenBounds().point.clone().add(clearScreenArea(editor).center))
}

/** The innermost frame under a page point: dropping there puts the element in it (a column, a lane). */
export function frameAt(editor: Editor, at: VecLike): TLShape | undefined {
  return editor
    .getCurrentPageShapesSorted()
    .filter((s) => s.type === 'frame' && editor.isPointInShape(s, at, { hitInside: true }))
    .at(-1)
}

/** `at`, or a step down and right of it for each element already centred there: clicks cascade, never stack. */
function freeSpot(editor: Editor, at: VecLike): VecLike {
  const centres = editor
    .getCurrentPageShapes()
    .filter(isElement)
    .map((s) => editor.getShapePageBounds(s)!.center)
  let spot = { x: at.x, y: at.y }
  for (let i = 0; i < 20 && centres.some((c) => Math.abs(c.x - spot.x) < 12 && Math.abs(c.y - spot.y) < 12); i++) {
    spot = { x: spot.x + 32, y: spot.y + 32 }
  }
  return spot
}

/** Places a new element of `kind`, centred on `at` (page coordinates), and selects it. */
export function placeElement(editor: Editor, kind: ElementKind, at: VecLike, locale: Locale) {
  const id = createShapeId()
  const spot = freeSpot(editor, at)
  const frame = frameAt(editor, spot)
  const local = frame ? editor.getPointInShapeSpace(frame, spot) : spot
  editor.markHistoryStoppingPoint('place element')
  editor.createShape<ElementShape>({
    id,
    type: ELEMENT_SHAPE,
    parentId: frame?.id,
    x: local.x - ELEMENT_SIZE.w / 2,
    y: local.y - ELEMENT_SIZE.h / 2,
    props: { ...ELEMENT_SIZE, kind: kind.id, name: labelText(kind.label, locale), sector: kind.sector, lines: [], notes: '' },
  })
  editor.select(id)
  return id
}
