import { getArrowInfo, type Editor, type TLArrowShape, type VecLike } from 'tldraw'

/** Where along the drawn arrow its middle lies, in page coordinates; null while it cannot be drawn. */
export function arrowMidpoint(editor: Editor, arrow: TLArrowShape): VecLike | null {
  const info = getArrowInfo(editor, arrow)
  if (!info?.isValid) return null
  // Straight and curved arrows know their middle; an elbow arrow is a route to walk halfway along.
  const local = info.type === 'elbow' ? halfwayAlong(info.route.points) : info.middle
  return local && editor.getShapePageTransform(arrow).applyToPoint(local)
}

function halfwayAlong(points: VecLike[]): VecLike | null {
  const lengths = points.slice(1).map((p, i) => Math.hypot(p.x - points[i].x, p.y - points[i].y))
  let left = lengths.reduce((a, b) => a + b, 0) / 2
  for (const [i, length] of lengths.entries()) {
    if (left <= length && length > 0) {
      const [a, b] = [points[i], points[i + 1]]
      return { x: a.x + ((b.x - a.x) * left) / length, y: a.y + ((b.y - a.y) * left) / length }
    }
    left -= length
  }
  return points[0] ?? null
}
