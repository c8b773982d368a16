import type { Editor, TLShape } from 'tldraw'

/** tldraw's id for the popover that holds the style panel (here, the inspector) on a phone. */
const MOBILE_STYLE_MENU = 'mobile style menu'

const relationOf = (shape: TLShape) => (shape.meta as { relation?: unknown }).relation

/**
 * On a phone the inspector is a popover over most of the screen: once a relation's type is
 * picked, it closes. Left open, the "tap outside" that would close it lands on another type and
 * silently retypes the relation.
 */
export function closeTypePickerOnChoice(editor: Editor): () => void {
  return editor.sideEffects.registerAfterChangeHandler('shape', (prev, next, source) => {
    if (source !== 'user' || next.type !== 'arrow' || relationOf(prev) === relationOf(next)) return
    if (editor.menus.isMenuOpen(MOBILE_STYLE_MENU)) editor.menus.deleteOpenMenu(MOBILE_STYLE_MENU)
  })
}
