import type { Editor, TLBinding, TLShapeId } from 'tldraw'

/** Whether `binding` ties an arrow's end to the shape its other end is already tied to. */
function closesOnItself(editor: Editor, binding: TLBinding): boolean {
  if (binding.type !== 'arrow') return false
  return editor.getBindingsFromShape(binding.fromId, 'arrow').some((other) => other.id !== binding.id && other.toId === binding.toId)
}

/** Leaves the end of `arrow` loose when both its ends are tied to one shape. */
function loosenIfClosed(editor: Editor, arrow: TLShapeId) {
  const bindings = editor.getBindingsFromShape(arrow, 'arrow')
  const end = bindings.find((b) => (b.props as { terminal?: string }).terminal === 'end')
  if (end && closesOnItself(editor, end)) editor.deleteBinding(end.id)
}

/**
 * A relation joins two elements: an arrow whose two ends land on the same card (dragged across
 * overlapping cards, or a finger that did not travel far) is never what was meant, and the diagram
 * would read it as a relation of a card with itself. This user's own edits cannot leave one: the
 * end stays loose until it reaches another shape. While an arrow is being drawn its end passes over
 * the card it starts from, so a drag is judged where it ends, when the pointer comes up. Others'
 * edits are theirs to check.
 */
export function refuseSelfArrows(editor: Editor): () => void {
  const drawing = () => editor.inputs.getIsDragging() || editor.isIn('arrow') || editor.isIn('select.dragging_handle')
  const loosen = (binding: TLBinding, source: 'user' | 'remote') => {
    if (source === 'user' && !drawing() && closesOnItself(editor, binding)) editor.deleteBinding(binding.id)
  }
  const stopCreate = editor.sideEffects.registerAfterCreateHandler('binding', loosen)
  const stopChange = editor.sideEffects.registerAfterChangeHandler('binding', (_prev, next, source) => loosen(next, source))
  const onEvent = (info: { name: string }) => {
    if (info.name !== 'pointer_up') return
    // After tldraw has finished the gesture: the arrow drawn or dragged is then the selection.
    setTimeout(() => {
      for (const shape of editor.getSelectedShapes()) if (shape.type === 'arrow') loosenIfClosed(editor, shape.id)
    })
  }
  editor.on('event', onEvent)
  return () => {
    stopCreate()
    stopChange()
    editor.off('event', onEvent)
  }
}
