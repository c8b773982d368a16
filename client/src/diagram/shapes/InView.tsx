import type { ReactNode } from 'react'
import { track, useValue, type Editor, type TLShapeId } from 'tldraw'

const Drawn = track(function Drawn({ draw }: { draw: () => ReactNode }) {
  return draw()
})

/**
 * A shape's content, drawn only while tldraw shows the shape. tldraw mounts every shape of the
 * page and hides those out of view: a board of 2,000 records built every card and arrow before
 * it answered. `draw` is tracked as tldraw tracks a shape's component, so what it draws follows
 * the shape and whatever else it reads.
 */
export function InView({ editor, id, draw }: { editor: Editor; id: TLShapeId; draw: () => ReactNode }) {
  const culled = useValue('culled', () => editor.getCulledShapes().has(id), [editor, id])
  return culled ? null : <Drawn draw={draw} />
}
