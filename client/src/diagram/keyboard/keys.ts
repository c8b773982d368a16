import type { StringKey } from '../../i18n/strings.ts'

/** Where the key was pressed, as far as the diagram's keys care. */
export type KeyPlace = 'canvas' | 'inspector' | 'typing' | 'dialog' | 'elsewhere'
/** What is selected on the canvas. */
export type SelectionKind = 'none' | 'element' | 'relation' | 'pair' | 'other'
/** What a key asks of the diagram. */
export type KeyAction = 'edit' | 'connect' | 'palette' | 'help' | 'canvas'

export interface KeyPress {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
}

export function selectionKind(shapes: readonly { type: string }[]): SelectionKind {
  if (shapes.length === 0) return 'none'
  if (shapes.length === 1) return shapes[0].type === 'element' ? 'element' : shapes[0].type === 'arrow' ? 'relation' : 'other'
  return shapes.length === 2 && shapes.every((s) => s.type === 'element') ? 'pair' : 'other'
}

/**
 * The diagram's own keys, on top of tldraw's. On the canvas Tab moves between shapes, so the
 * panel on the right is reached by Enter/F2 and left by Escape; the rest are single letters that
 * tldraw leaves free. Nothing here acts while the person is typing or inside a dialog.
 */
export function keyAction(press: KeyPress, place: KeyPlace, selection: SelectionKind, editable: boolean): KeyAction | null {
  if (place === 'dialog' || press.ctrlKey || press.metaKey || press.altKey) return null
  if (place === 'inspector') return press.key === 'Escape' ? 'canvas' : null
  if (place === 'typing') return null
  if (press.key === '?') return 'help'
  if (!editable) return null
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key
  const onSelection = selection === 'element' || selection === 'relation' || selection === 'pair'
  if (key === 'F2' && onSelection) return 'edit'
  // Enter on an element is tldraw's: it edits the name on the card. Enter on a focused button
  // is the button's: only the canvas lends it to a relation or a pair.
  if (key === 'Enter' && (selection === 'relation' || selection === 'pair') && place === 'canvas') return 'edit'
  if (key === 'c' && (selection === 'element' || selection === 'pair')) return 'connect'
  if (key === 'p') return 'palette'
  return null
}

/** The keys the help dialog lists, in the order a first session meets them. */
export const SHORTCUTS: readonly { keys: StringKey; what: StringKey }[] = [
  { keys: 'keys.palette.keys', what: 'keys.palette' },
  { keys: 'keys.next.keys', what: 'keys.next' },
  { keys: 'keys.direction.keys', what: 'keys.direction' },
  { keys: 'keys.edit.keys', what: 'keys.edit' },
  { keys: 'keys.name.keys', what: 'keys.name' },
  { keys: 'keys.back.keys', what: 'keys.back' },
  { keys: 'keys.connect.keys', what: 'keys.connect' },
  { keys: 'keys.types.keys', what: 'keys.types' },
  { keys: 'keys.move.keys', what: 'keys.move' },
  { keys: 'keys.delete.keys', what: 'keys.delete' },
  { keys: 'keys.undo.keys', what: 'keys.undo' },
  { keys: 'keys.help.keys', what: 'keys.help' },
]

/** Where the arrow keys, Home and End move within a list of `count` choices; null for other keys. */
export function rovingTarget(key: string, index: number, count: number): number | null {
  if (count === 0) return null
  switch (key) {
    case 'ArrowDown':
    case 'ArrowRight':
      return (index + 1) % count
    case 'ArrowUp':
    case 'ArrowLeft':
      return (index - 1 + count) % count
    case 'Home':
      return 0
    case 'End':
      return count - 1
    default:
      return null
  }
}
