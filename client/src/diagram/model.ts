import {
  ELEMENT_SHAPE,
  templateOf,
  type ElementKind,
  type ElementShape,
  type Label,
  type ProcessTemplate,
  type RelationMeta,
  type RelationType,
} from '@opificio/shared'
import { Box, createShapeId, type Editor, type TLArrowShape, type TLShape, type VecLike } from 'tldraw'
import type { Locale } from '../i18n/strings.ts'

/** The label in the user's language, falling back to Italian. */
export function labelText(label: Label, locale: Locale): string {
  return (locale === 'en' && label.en) || label.it
}

/** The board's template, read from its store (reactive inside tldraw's tracked renders). */
export function boardTemplate(editor: Editor): ProcessTemplate {
  return templateOf((id) => editor.store.get(id as never))
}

export function isElement(shape: TLShape | undefined): shape is ElementShape {
  return shape?.type === ELEMENT_SHAPE
}

export function isArrow(shape: TLShape | undefined): shape is TLArrowShape {
  return shape?.type === 'arrow'
}

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

/** How an arrow of this relation type is drawn: colour, dash and heads follow the type. */
export function relationStyle(type: RelationType): Partial<TLArrowShape['props']> {
  return {
    color: type.color,
    dash: type.dash,
    arrowheadStart: type.direction === 'mutual' ? 'arrow' : 'none',
    arrowheadEnd: type.direction === 'either' ? 'none' : 'arrow',
  }
}

export function relationOf(arrow: TLArrowShape): RelationMeta {
  return arrow.meta as RelationMeta
}

export function setRelationType(editor: Editor, arrow: TLArrowShape, type: RelationType) {
  editor.markHistoryStoppingPoint('set relation type')
  const meta: RelationMeta = { ...relationOf(arrow), relation: type.id }
  if (type.commitment && !meta.commitment) meta.commitment = { what: '', by: '', resources: '' }
  editor.updateShape<TLArrowShape>({ id: arrow.id, type: 'arrow', meta: meta as never, props: relationStyle(type) })
}

/** Swaps a relation's ends: who coordinates whom, drawn the wrong way round, without redrawing it. */
export function reverseRelation(editor: Editor, arrow: TLArrowShape) {
  editor.markHistoryStoppingPoint('reverse relation')
  editor.run(() => {
    const bindings = editor.getBindingsFromShape(arrow, 'arrow')
    editor.updateBindings(
      bindings.map((b) => {
        const props = b.props as { terminal: 'start' | 'end' }
        return { id: b.id, type: b.type, props: { ...props, terminal: props.terminal === 'start' ? 'end' : 'start' } }
      })
    )
    editor.updateShape<TLArrowShape>({ id: arrow.id, type: 'arrow', props: { start: arrow.props.end, end: arrow.props.start } })
  })
}

/** The shapes an arrow's two ends are bound to. */
export function arrowEnds(editor: Editor, arrow: TLArrowShape): { start?: TLShape; end?: TLShape } {
  const ends: { start?: TLShape; end?: TLShape } = {}
  for (const b of editor.getBindingsFromShape(arrow, 'arrow')) {
    const terminal = (b.props as { terminal: 'start' | 'end' }).terminal
    ends[terminal] = editor.getShape(b.toId)
  }
  return ends
}

const EDIT_NAME = 'opificio:edit-name'

/** Double-clicking an element asks the inspector to put the cursor in its name field. */
export function requestNameEdit(id: string) {
  window.dispatchEvent(new CustomEvent(EDIT_NAME, { detail: id }))
}

export function onNameEditRequest(handler: (id: string) => void): () => void {
  const listener = (e: Event) => handler((e as CustomEvent<string>).detail)
  window.addEventListener(EDIT_NAME, listener)
  return () => window.removeEventListener(EDIT_NAME, listener)
}
