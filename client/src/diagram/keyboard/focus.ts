import type { Editor } from 'tldraw'
import type { KeyPlace } from './keys.ts'

/** The inspector's first control for the selection: the name of an element, the relation's type. */
export const PRIMARY = '[data-inspector-primary]'
/** The element inspector's "connect to" picker. */
export const CONNECT_PICKER = '[data-inspector-connect]'

export function keyPlace(target: EventTarget | null, editor: Editor): KeyPlace {
  if (!(target instanceof Element)) return 'elsewhere'
  if (target.closest('dialog, [role="dialog"], [role="alertdialog"], [role="menu"]')) return 'dialog'
  if (target.closest('.op-inspector')) return 'inspector'
  const tag = target.tagName
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (target as HTMLElement).isContentEditable) return 'typing'
  return target === editor.getContainer() || target.closest('.tl-canvas') ? 'canvas' : 'elsewhere'
}

/**
 * Focuses a control once it is there: after a change of selection the inspector shows the new
 * shape's fields a frame or two later. Gives up quietly (a locked shape has no fields).
 */
export function focusWhenShown(find: () => HTMLElement | null, select = false, frames = 30) {
  const el = find()
  if (el) {
    el.focus()
    if (select && el instanceof HTMLInputElement) el.select()
    return
  }
  if (frames > 0) requestAnimationFrame(() => focusWhenShown(find, select, frames - 1))
}

/**
 * Focuses a control of the inspector of what is selected now. Waits for that inspector by the
 * shape it is of: the one still shown may be the previous selection's, about to go.
 */
export function focusInspector(editor: Editor, selector = PRIMARY, select = true) {
  const of = editor.getOnlySelectedShapeId() ?? 'pair'
  focusWhenShown(() => editor.getContainer().querySelector<HTMLElement>(`.op-inspector[data-inspector-of="${of}"] ${selector}`), select)
}

/** Back to the canvas with the selection as it was: Delete, the arrows and Tab act on it again. */
export function focusCanvas(editor: Editor) {
  editor.getContainer().focus()
  editor.focus()
}
