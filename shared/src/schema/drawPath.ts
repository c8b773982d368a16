/**
 * The points of tldraw's draw and highlight strokes. tldraw 5.4.2 keeps each segment's points in
 * `path` as base64 (`b64Vecs` in @tldraw/tlschema): the first point in full as little-endian Float32,
 * every later point as Float16 deltas from the one before. A 3-D segment (`dim` absent or 3, x y and
 * pressure) is 12 bytes and then 6 per point; a 2-D segment (`dim: 2`, no pressure) is 8 bytes and
 * then 4 per point.
 *
 * tldraw's validator only asks for a string, and its decoder reads the bytes without checking their
 * count: a path that does not hold whole points throws a RangeError in getGeometry, for every
 * viewer, on every load. Its two base64 decoders disagree on malformed input too: browsers with
 * `Uint8Array.fromBase64` throw on characters outside the alphabet and on a lone last character,
 * while tldraw's fallback reads those, and a missing `=` padding, as zero bits and draws something
 * else. So a board takes a path only as tldraw's encoder writes it: padded base64 of whole points.
 */
import type { TLDrawShape, TLDrawShapeSegment, TLHighlightShape } from '@tldraw/tlschema'

export const DRAW_PATH_LIMITS = {
  /**
   * Points in one draw or highlight shape, all segments together. Every viewer decodes and smooths
   * them all to render the stroke; a long honest stroke holds a few thousand.
   */
  pointsPerShape: 100_000,
} as const

type Dim = TLDrawShapeSegment['dim']

/** Bytes of the first point (Float32 each) and of each later one (Float16 deltas). */
function layout(dim: Dim) {
  // tldraw's decoder reads every `dim` other than 2 as 3-D.
  return dim === 2 ? { dim: 2, first: 8, delta: 4 } : { dim: 3, first: 12, delta: 6 }
}

/** The standard base64 alphabet, with `=` only as final padding. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Points in a base64 segment path, or null when it is not padded base64 of whole points. */
function wholePoints(path: string, dim: Dim): number | null {
  // tldraw's encoder always pads; its fallback decoder reads missing characters as zero bits.
  if (path.length % 4 !== 0) return null
  const padding = path.endsWith('==') ? 2 : path.endsWith('=') ? 1 : 0
  const bytes = (path.length / 4) * 3 - padding
  // No points: tldraw's encoder writes '' and its decoder reads '' as none.
  if (bytes === 0) return 0
  const { first, delta } = layout(dim)
  if (bytes < first || (bytes - first) % delta !== 0) return null
  return 1 + (bytes - first) / delta
}

/** Points in a segment path, or null when it is not padded base64 of whole points. */
export function drawPathPointCount(path: string, dim?: Dim): number | null {
  return BASE64.test(path) ? wholePoints(path, dim) : null
}

/** Whether a shape record, once the schema has validated it, carries draw segments. */
export function hasDrawSegments(shape: object): shape is TLDrawShape | TLHighlightShape {
  const { type } = shape as { type?: unknown }
  return type === 'draw' || type === 'highlight'
}

/** Throws an Error naming the segment when a path would not decode to whole points, or holds too many. */
export function checkDrawSegments(props: { readonly segments: readonly TLDrawShapeSegment[] }): void {
  let points = 0
  for (const [i, { path, dim }] of props.segments.entries()) {
    if (!BASE64.test(path)) throw new Error(`segment ${i} path is not standard base64`)
    const count = wholePoints(path, dim)
    if (count === null) {
      const { dim: d, first, delta } = layout(dim)
      throw new Error(
        `segment ${i} path of ${path.length} characters does not hold whole points: ` +
          `a ${d}-D path is padded base64 of ${first} bytes for its first point and ${delta} for each next one`
      )
    }
    points += count
    if (points > DRAW_PATH_LIMITS.pointsPerShape) {
      throw new Error(`more than ${DRAW_PATH_LIMITS.pointsPerShape} points in one shape`)
    }
  }
}
