import { indexJustAbove } from '@opificio/shared'
import type { Editor, IndexKey, TLShape } from 'tldraw'

/**
 * Two shapes under one parent at one index make tldraw throw the next time it reorders them
 * (group, ungroup, reparent: "aA >= aA"), and each screen may stack them its own way. The fold
 * separates them in every entry of the log, but this user's own edit is in the editor before it
 * is in the log: an undo puts a shape back at the index it left, which someone else's shape may
 * have taken since. Such a shape goes just above the one already there, as the fold would put it.
 */
export function keepSiblingIndicesDistinct(editor: Editor): () => void {
  const separate = (shape: TLShape): TLShape => {
    const siblings = editor.getSortedChildIdsForParent(shape.parentId)
    let clash = false
    let next: string | null = null
    for (const id of siblings) {
      if (id === shape.id) continue
      const index = editor.store.get(id)?.index
      if (index === undefined || index < shape.index) continue
      if (index === shape.index) clash = true
      else {
        next = index
        break
      }
    }
    return clash ? { ...shape, index: indexJustAbove(shape.index, next) as IndexKey } : shape
  }
  const stopCreate = editor.sideEffects.registerBeforeCreateHandler('shape', (shape, source) => (source === 'user' ? separate(shape) : shape))
  const stopChange = editor.sideEffects.registerBeforeChangeHandler('shape', (prev, next, source) =>
    source === 'user' && (prev.index !== next.index || prev.parentId !== next.parentId) ? separate(next) : next
  )
  return () => {
    stopCreate()
    stopChange()
  }
}
