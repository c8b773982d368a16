/**
 * Where shapes are on their page, as the fold needs it to keep a shape in place when it changes
 * parent and to free an arrow's end where its target was. The fold runs in Node and in every
 * browser and must give the same bits everywhere, so this uses only + - * / and sqrt (exactly
 * rounded by IEEE 754) and its own sine and cosine: Math.sin and Math.cos are left to each engine.
 */

/** A rigid transform: rotate by `rotation` (radians), then move by (x, y). tldraw's shapes are placed by these. */
export interface Placement {
  x: number
  y: number
  rotation: number
}

export interface Point {
  x: number
  y: number
}

const HALF_PI = Math.PI / 2
const TAU = Math.PI * 2

/** sin and cos of r, |r| <= pi/4, by their Taylor series in Horner form (terms past r^17 are below 2^-53). */
function sinCosReduced(r: number): [number, number] {
  const r2 = r * r
  let sin = 1
  for (let n = 16; n >= 2; n -= 2) sin = 1 - (r2 * sin) / (n * (n + 1))
  let cos = 1
  for (let n = 15; n >= 1; n -= 2) cos = 1 - (r2 * cos) / (n * (n + 1))
  return [r * sin, cos]
}

/** sin and cos of any angle, the same on every engine. */
export function sinCos(angle: number): [number, number] {
  if (angle === 0) return [0, 1]
  const turn = angle - Math.round(angle / TAU) * TAU
  const quadrant = Math.round(turn / HALF_PI)
  const [s, c] = sinCosReduced(turn - quadrant * HALF_PI)
  switch (((quadrant % 4) + 4) % 4) {
    case 0:
      return [s, c]
    case 1:
      return [c, -s]
    case 2:
      return [-s, -c]
    default:
      return [-c, s]
  }
}

function rotate(p: Point, angle: number): Point {
  if (angle === 0) return { x: p.x, y: p.y }
  const [s, c] = sinCos(angle)
  return { x: p.x * c - p.y * s, y: p.x * s + p.y * c }
}

/** -0 becomes 0: the two differ once stored as JSON, and the fold's output must match its stored form. */
function plain(n: number): number {
  return n + 0
}

/** A point in the space of `inner`, seen from the space `outer` is in: outer ∘ inner. */
export function compose(outer: Placement, inner: Placement): Placement {
  const p = rotate(inner, outer.rotation)
  return { x: plain(outer.x + p.x), y: plain(outer.y + p.y), rotation: plain(outer.rotation + inner.rotation) }
}

/** A point given in the space `space` is placed by, in its parent's space. */
export function applyTo(space: Placement, p: Point): Point {
  const q = rotate(p, space.rotation)
  return { x: plain(space.x + q.x), y: plain(space.y + q.y) }
}

/** A point given in the parent's space of `space`, in `space` itself. */
export function applyInverse(space: Placement, p: Point): Point {
  const q = rotate({ x: p.x - space.x, y: p.y - space.y }, -space.rotation)
  return { x: plain(q.x), y: plain(q.y) }
}

/** `placement` (in page space) expressed inside `parent` (also in page space): what reparenting keeps. */
export function relativeTo(parent: Placement, placement: Placement): Placement {
  const p = applyInverse(parent, placement)
  return { x: p.x, y: p.y, rotation: plain(placement.rotation - parent.rotation) }
}

export const IDENTITY: Placement = { x: 0, y: 0, rotation: 0 }

interface ShapeLike {
  typeName: string
  parentId?: string
  x?: unknown
  y?: unknown
  rotation?: unknown
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0
}

export function localPlacement(shape: ShapeLike): Placement {
  return { x: num(shape.x), y: num(shape.y), rotation: num(shape.rotation) }
}

/**
 * A shape's placement on its page, through every group or frame above it; undefined when the
 * chain breaks before a page (a missing parent, or a cycle).
 */
export function pagePlacement(shape: ShapeLike, get: (id: string) => ShapeLike | undefined, maxDepth: number): Placement | undefined {
  let placement = localPlacement(shape)
  let parentId = shape.parentId
  for (let depth = 0; depth <= maxDepth; depth++) {
    if (!parentId) return undefined
    const parent = get(parentId)
    if (!parent) return undefined
    if (parent.typeName === 'page') return placement
    if (parent.typeName !== 'shape') return undefined
    placement = compose(localPlacement(parent), placement)
    parentId = parent.parentId
  }
  return undefined
}

/**
 * A shape's ancestors (nearest first, ending with its page) and its page placement, when it sits
 * inside a group or frame; what an author attaches to a push so the fold can keep the shape in
 * place if that parent is gone by the time the push is folded.
 */
export function shapeContext(
  shape: ShapeLike,
  get: (id: string) => (ShapeLike & { id: string }) | undefined,
  maxDepth: number
): (Placement & { ancestors: string[] }) | undefined {
  const parent = shape.parentId ? get(shape.parentId) : undefined
  if (!parent || parent.typeName !== 'shape') return undefined
  const placement = pagePlacement(shape, get, maxDepth)
  if (!placement) return undefined
  const ancestors: string[] = []
  for (let r: (ShapeLike & { id: string }) | undefined = parent; r; r = r.parentId ? get(r.parentId) : undefined) {
    ancestors.push(r.id)
    if (r.typeName === 'page') break
  }
  return { ancestors, ...placement }
}
