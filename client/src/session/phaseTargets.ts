import { Box, type Computed, type Editor, type TLShape } from 'tldraw'
import { PHASE_FRAME_TITLES, PHASE_META } from '../diagram/phases/phases.ts'
import { tables, type StringKey } from '../i18n/strings.ts'
import { it as italian } from '../i18n/strings.ts'

export interface SummonTarget {
  pageId: string
  x: number
  y: number
  w: number
  h: number
}

/** A phase frame's title in every language (frames inserted before they were marked are found by it). */
function titles(key: StringKey): Set<string> {
  return new Set([italian[key], ...Object.values(tables).map((table) => table[key])].filter((s): s is string => !!s))
}

/**
 * Whether `shape` is phase `n`'s frame: a frame straight on the page, marked with the phase's
 * number or, unmarked, bearing the phase frame's title in one of the languages.
 */
export function isPhaseFrame(shape: Pick<TLShape, 'type' | 'parentId' | 'meta' | 'props'>, n: number): boolean {
  if (shape.type !== 'frame' || !shape.parentId.startsWith('page:')) return false
  const mark = shape.meta?.[PHASE_META]
  if (typeof mark === 'number') return mark === n
  const key = PHASE_FRAME_TITLES[n]
  return !!key && titles(key).has((shape.props as { name?: string }).name ?? '')
}

/** Room around a summoned area, so its edges are not under the screen's edge. */
export function padded(box: Box, pageId: string): SummonTarget {
  const margin = Math.max(40, Math.min(box.w, box.h) * 0.05)
  return { pageId, x: box.x - margin, y: box.y - margin, w: box.w + 2 * margin, h: box.h + 2 * margin }
}

const frameQueries = new WeakMap<Editor, Computed<TLShape[]>>()

/**
 * The board's frames, kept by the store's index: what reads them is recomputed when a frame
 * changes, not at every move of any of the board's shapes (thousands, with several dragging).
 */
function frames(editor: Editor): TLShape[] {
  let query = frameQueries.get(editor)
  if (!query) {
    query = editor.store.query.records('shape', () => ({ type: { eq: 'frame' } })) as Computed<TLShape[]>
    frameQueries.set(editor, query)
  }
  return query.get()
}

/** Where phase `n`'s frames are: on the current page if it has any, else on the first page that does. */
export function phaseTarget(editor: Editor, n: number): SummonTarget | null {
  const phaseFrames = frames(editor).filter((s) => isPhaseFrame(s, n))
  if (phaseFrames.length === 0) return null
  const current = editor.getCurrentPageId()
  const pages = [
    current,
    ...editor
      .getPages()
      .map((p) => p.id)
      .filter((id) => id !== current),
  ]
  for (const pageId of pages) {
    const boxes = phaseFrames
      .filter((s) => s.parentId === pageId)
      .map((s) => editor.getShapePageBounds(s.id))
      .filter((b): b is Box => !!b)
    if (boxes.length) return padded(Box.Common(boxes), pageId)
  }
  return null
}

/** The facilitator's screen, as an area of the current page. */
export function viewTarget(editor: Editor): SummonTarget {
  const b = editor.getViewportPageBounds()
  return { pageId: editor.getCurrentPageId(), x: b.x, y: b.y, w: b.w, h: b.h }
}

/** The selected shapes' area, or null with nothing selected. */
export function selectionTarget(editor: Editor): SummonTarget | null {
  const b = editor.getSelectionPageBounds()
  return b && b.w > 0 && b.h > 0 ? padded(b, editor.getCurrentPageId()) : null
}
