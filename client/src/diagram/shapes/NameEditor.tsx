import type { ElementShape } from '@opificio/shared'
import { useLayoutEffect, useRef, type CSSProperties } from 'react'
import type { Editor } from 'tldraw'
import { NAME_MAX } from '../model/nameEdit.ts'

/**
 * The card's name as a text box while tldraw edits the card: what is typed shows on the card, for
 * everyone, as it is typed. Enter (or tapping elsewhere) ends the edit, Escape too.
 */
export function NameEditor({ editor, shape, label, style }: { editor: Editor; shape: ElementShape; label: string; style: CSSProperties }) {
  const input = useRef<HTMLTextAreaElement>(null)
  useLayoutEffect(() => {
    // Focused as it appears, so that a letter typed at once is not lost; all of it selected, so
    // the kind's default name goes with the first letter typed.
    const take = () => {
      input.current?.focus()
      input.current?.select()
    }
    take()
    // A mouse press focuses the canvas as its default, which may come after this: the next frame
    // takes the focus back, if it went.
    const frame = requestAnimationFrame(() => {
      if (document.activeElement !== input.current) take()
    })
    return () => cancelAnimationFrame(frame)
  }, [])
  return (
    <textarea
      ref={input}
      className="op-element__name op-element__name-input"
      style={style}
      aria-label={label}
      value={shape.props.name}
      maxLength={NAME_MAX}
      // Pressing inside the box moves its caret; it is not a press on the canvas.
      onPointerDown={(e) => e.stopPropagation()}
      onChange={(e) => editor.updateShape<ElementShape>({ id: shape.id, type: shape.type, props: { name: e.target.value.replace(/\n/g, ' ') } })}
      onKeyDown={(e) => {
        if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return
        e.preventDefault()
        editor.complete()
      }}
    />
  )
}
