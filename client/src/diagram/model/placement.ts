import { ELEMENT_SHAPE, type ElementKind, type ElementShape, type ProcessTemplate } from '@opificio/shared'
import { Box, createShapeId, type Editor, type TLShape, type VecLike } from 'tldraw'
import type { Locale } from '../../i18n/strings.ts'
import { boardTemplate, isArrow, labelText } from './model.ts'

export const ELEMENT_SIZE = { w: 220, h: 120 }

/** Below this width tldraw lays its UI out for a phone: menu on top, quick actions and tools at the bottom. */
const PHONE_WIDTH = 640

/** The part of the canvas (screen coordinates) that tldraw's menu, style panel and toolbar leave visible. */
export function clearScreenArea(editor: Editor): Box {
  const screen = editor.getViewportScreenBounds()
  // On a phone the style panel is a popover, but two rows of controls sit at the bottom.
  const phone = screen.w < PHONE_WIDTH
  const left = phone ? 8 : 24
  const top = phone ? 56 : 80
  const right = phone ? 8 : Math.min(300, screen.w * 0.3)
  const bottom = phone ? 116 : 80
  return new Box(left, top, Math.max(100, screen.w - left - right), Math.max(100, screen.h - top - bottom))
}

/** The visible part of the page, clear of tldraw's panels, in page coordinates. */
function visiblePageArea(editor: Editor): Box {
  const clear = clearScreenArea(editor)
  const origin = editor.getViewportScreenBounds().point
  const tl = editor.screenToPage({ x: origin.x + clear.minX, y: origin.y + clear.minY })
  const br = editor.screenToPage({ x: origin.x + clear.maxX, y: origin.y + clear.maxY })
  return Box.FromPoints([tl, br])
}

/** The innermost frame under a page point: dropping there puts the element in it (a column, a lane). */
export function frameAt(editor: Editor, at: VecLike): TLShape | undefined {
  return editor
    .getCurrentPageShapesSorted()
    .filter((s) => s.type === 'frame' && editor.isPointInShape(s, at, { hitInside: true }))
    .at(-1)
}

/** Room kept between a new card and what is already there, so a finger can still tell them apart. */
export const GAP = 16
/** How far apart the candidate spots are at least: fine enough to use a crowded area. */
const STEP = 20

/**
 * The centre of the first spot in `area` where a box of `size` (plus `GAP` around it) touches none
 * of `taken`. `from: 'centre'` tries spots nearest the area's middle first (a click "here"),
 * `from: 'start'` fills the area row by row from its top left (a column of a table), and
 * `from: {x, y}` tries nearest that point (a drop). Undefined when the area has no room.
 */
export function freeSpot(
  area: Box,
  taken: Box[],
  size: { w: number; h: number },
  from: 'centre' | 'start' | VecLike = 'centre'
): VecLike | undefined {
  const minX = area.minX + size.w / 2
  const maxX = area.maxX - size.w / 2
  const minY = area.minY + size.h / 2
  const maxY = area.maxY - size.h / 2
  if (minX > maxX || minY > maxY) return undefined
  // Zoomed far out an area is huge: a bounded number of tries keeps a click instant.
  const step = Math.max(STEP, (maxX - minX) / 80, (maxY - minY) / 80)
  const xs = steps(minX, maxX, step)
  const ys = steps(minY, maxY, step)
  const spots = ys.flatMap((y) => xs.map((x) => ({ x, y })))
  if (from !== 'start') {
    const to = from === 'centre' ? area.center : { x: clamp(from.x, minX, maxX), y: clamp(from.y, minY, maxY) }
    spots.unshift({ x: to.x, y: to.y })
    spots.sort((a, b) => Math.hypot(a.x - to.x, a.y - to.y) - Math.hypot(b.x - to.x, b.y - to.y))
  }
  const fits = (c: VecLike) => {
    const box = new Box(c.x - size.w / 2 - GAP, c.y - size.h / 2 - GAP, size.w + 2 * GAP, size.h + 2 * GAP)
    return !taken.some((t) => box.collides(t))
  }
  return spots.find(fits)
}

/** From `min` to `max` every `step`, with `max` itself so an area's far edge can be used. */
function steps(min: number, max: number, step: number): number[] {
  const out: number[] = []
  for (let v = min; v < max; v += step) out.push(v)
  out.push(max)
  return out
}

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v))

/** A sector's name in every language, as a phase template titles its column. */
function sectorNames(template: ProcessTemplate, sectorId: string): Set<string> {
  const sector = template.sectors.find((s) => s.id === sectorId)
  return new Set(sector ? [sector.label.it, sector.label.en ?? ''].filter(Boolean) : [])
}

/** Whether a frame is a column of a table, one per sector: it is titled with a sector's name. */
function sectorOfColumn(template: ProcessTemplate, frame: TLShape): string | undefined {
  const name = (frame.props as { name?: string }).name ?? ''
  return template.sectors.find((s) => sectorNames(template, s.id).has(name))?.id
}

/**
 * Where a kind placed by a click should go: the column of its sector that shows most in `view`
 * (a table's column is where an actor of that sector sits), else the view itself.
 */
function targetArea(editor: Editor, kind: ElementKind, view: Box): { area: Box; column?: TLShape } {
  const template = boardTemplate(editor)
  let best: { area: Box; column?: TLShape } = { area: view }
  let bestShown = 0
  if (!kind.sector) return best
  for (const shape of editor.getCurrentPageShapes()) {
    if (shape.type !== 'frame' || sectorOfColumn(template, shape) !== kind.sector) continue
    const bounds = editor.getShapePageBounds(shape)
    if (!bounds || !view.collides(bounds)) continue
    const shown = intersectionArea(bounds, view)
    if (shown > bestShown) {
      bestShown = shown
      best = { area: intersection(bounds, view).expandBy(-8), column: shape }
    }
  }
  return best
}

function intersection(a: Box, b: Box): Box {
  const minX = Math.max(a.minX, b.minX)
  const minY = Math.max(a.minY, b.minY)
  return new Box(minX, minY, Math.max(0, Math.min(a.maxX, b.maxX) - minX), Math.max(0, Math.min(a.maxY, b.maxY) - minY))
}

const intersectionArea = (a: Box, b: Box) => {
  const i = intersection(a, b)
  return i.w * i.h
}

/**
 * What a new card must not cover: every shape but arrows (they reroute), groups (their children
 * count), the frame it goes into and that frame's ancestors. A table's column of another sector is
 * in the way too, so an actor never lands among the wrong sector's.
 */
function obstacles(editor: Editor, into: TLShape | undefined): Box[] {
  const template = boardTemplate(editor)
  const containers = new Set(into ? [into.id, ...editor.getShapeAncestors(into).map((s) => s.id)] : [])
  return editor
    .getCurrentPageShapes()
    .filter((s) => !isArrow(s) && s.type !== 'group' && !containers.has(s.id))
    .filter((s) => s.type !== 'frame' || (!into && sectorOfColumn(template, s) !== undefined) || editor.getShapeParent(s)?.id === into?.id)
    .flatMap((s) => editor.getShapePageBounds(s) ?? [])
}

/** A free spot in view for a kind placed by a click: in its sector's column if one shows, else anywhere seen. */
export function placementSpot(editor: Editor, kind: ElementKind): VecLike {
  const view = visiblePageArea(editor)
  const { area, column } = targetArea(editor, kind, view)
  const inColumn = column && freeSpot(area, obstacles(editor, column), ELEMENT_SIZE, 'start')
  if (inColumn) return inColumn
  // A crowded view: look around it before giving up and stacking on the middle.
  return (
    freeSpot(view, obstacles(editor, undefined), ELEMENT_SIZE) ??
    freeSpot(view.clone().expandBy(Math.max(view.w, view.h)), obstacles(editor, undefined), ELEMENT_SIZE) ??
    view.center
  )
}

/** Where a drop lands: where the pointer let go if that is free, else the nearest free spot around it. */
export function dropSpot(editor: Editor, at: VecLike): VecLike {
  const around = Box.FromCenter(at, { x: ELEMENT_SIZE.w * 4, y: ELEMENT_SIZE.h * 6 })
  return freeSpot(around, obstacles(editor, frameAt(editor, at)), ELEMENT_SIZE, at) ?? at
}

/** Places a new element of `kind`, centred on `at` (page coordinates), and selects it. */
export function placeElement(editor: Editor, kind: ElementKind, at: VecLike, locale: Locale) {
  const id = createShapeId()
  const frame = frameAt(editor, at)
  const local = frame ? editor.getPointInShapeSpace(frame, at) : at
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
