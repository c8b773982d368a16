import { applyInverse, applyTo, pagePlacement, type Point } from './shapeTransforms.ts'

/**
 * Where a bound arrow end is, so that the fold can leave it there as a free point when its binding
 * goes. tldraw does this in the editor (ArrowBindingUtil.onBeforeIsolateFromShape →
 * updateArrowTerminal), but only on the editor that deletes the target: a target deleted by
 * someone who never saw the binding left every peer to do it on its own, marked remote and never
 * logged. Done in the fold, it is the same on the server and every client.
 *
 * The point is the binding's handle, as tldraw's getArrowTerminalInArrowSpace finds it: the
 * normalized anchor inside the target's bounds (the centre unless the binding is precise, or both
 * ends are on one shape, or one bound shape contains the other), carried from the target's space
 * to the page and from the page into the arrow's own space. updateArrowTerminal with useHandle
 * keeps this point and the bend as they were (the arc through the handles is unchanged), so the
 * fold keeps the bend too.
 */

export interface ArrowBindingRecord {
  id: string
  fromId: string
  toId: string
  props: { terminal: 'start' | 'end'; normalizedAnchor: Point; isPrecise: boolean }
}

interface ShapeRecord {
  id: string
  typeName: string
  type?: string
  parentId?: string
  props?: Record<string, unknown>
}

type Get = (id: string) => ShapeRecord | undefined

// As tldraw's NORMALIZED_ANCHOR_EPSILON: anchors kept off the exact edges of the bounds.
const ANCHOR_EPSILON = 1e-3
// tldraw's default note size (NoteShapeUtil options noteWidth/noteHeight).
const NOTE_SIZE = 200

function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback
}

/**
 * The size of a shape's geometry bounds, as far as its record tells it: geo shapes grow by growY
 * (and are at least 1 by 1), notes are a fixed square that grows; others use w and h when they
 * have them, and bind at their origin when they do not.
 */
export function boundsSize(shape: ShapeRecord): { w: number; h: number } {
  const p = shape.props ?? {}
  if (shape.type === 'geo') return { w: Math.max(1, num(p.w)), h: Math.max(1, num(p.h) + num(p.growY)) }
  if (shape.type === 'note') {
    const scale = num(p.scale, 1)
    return { w: NOTE_SIZE * scale, h: (NOTE_SIZE + num(p.growY)) * scale }
  }
  return { w: num(p.w), h: num(p.h) }
}

function pageBounds(shape: ShapeRecord, get: Get, maxDepth: number) {
  const placement = pagePlacement(shape, get, maxDepth)
  if (!placement) return undefined
  const { w, h } = boundsSize(shape)
  const corners = [
    { x: 0, y: 0 },
    { x: w, y: 0 },
    { x: 0, y: h },
    { x: w, y: h },
  ].map((c) => applyTo(placement, c))
  const xs = corners.map((c) => c.x)
  const ys = corners.map((c) => c.y)
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) }
}

type Box = NonNullable<ReturnType<typeof pageBounds>>

/** tldraw's Box.Contains: strictly inside on every side. */
function contains(a: Box, b: Box) {
  return a.minX < b.minX && a.minY < b.minY && a.maxY > b.maxY && a.maxX > b.maxX
}

function clampAnchor(v: number) {
  return Math.max(ANCHOR_EPSILON, Math.min(1 - ANCHOR_EPSILON, v))
}

/**
 * The page point a bound end sits on. `other` is the arrow's binding at its other end, if any:
 * tldraw uses the precise anchor when the two targets are one shape or one contains the other.
 */
function boundEndOnPage(binding: ArrowBindingRecord, other: ArrowBindingRecord | undefined, get: Get, maxDepth: number): Point | undefined {
  const target = get(binding.toId)
  if (!target || target.typeName !== 'shape') return undefined
  const placement = pagePlacement(target, get, maxDepth)
  if (!placement) return undefined
  let precise = binding.props.isPrecise
  if (!precise && other) {
    if (other.toId === binding.toId) precise = true
    else {
      const otherTarget = get(other.toId)
      const mine = pageBounds(target, get, maxDepth)
      const theirs = otherTarget && pageBounds(otherTarget, get, maxDepth)
      // getBoundShapeRelationships: each end turns precise when its target contains the other's.
      if (mine && theirs) precise = contains(mine, theirs)
    }
  }
  const anchor = precise
    ? { x: clampAnchor(num(binding.props.normalizedAnchor?.x, 0.5)), y: clampAnchor(num(binding.props.normalizedAnchor?.y, 0.5)) }
    : { x: 0.5, y: 0.5 }
  const { w, h } = boundsSize(target)
  return applyTo(placement, { x: anchor.x * w, y: anchor.y * h })
}

/**
 * The point, in the arrow's own space, to write into props.start or props.end when `binding`
 * goes. `before` sees the board with the binding (the target included, even when it is
 * being removed) and the arrow as it now is: a shape the fold moves keeps its page placement, so
 * the arrow's space is the same wherever it ends up. Undefined when a chain breaks: then the
 * terminal keeps the point it has.
 */
export function freedTerminal(
  arrow: ShapeRecord,
  binding: ArrowBindingRecord,
  other: ArrowBindingRecord | undefined,
  before: Get,
  maxDepth: number
): Point | undefined {
  const onPage = boundEndOnPage(binding, other, before, maxDepth)
  const arrowPlacement = pagePlacement(arrow, before, maxDepth)
  if (!onPage || !arrowPlacement) return undefined
  return applyInverse(arrowPlacement, onPage)
}
