import {
  CollaboratorBrushOverlayUtil,
  CollaboratorHintOverlayUtil,
  CollaboratorScribbleOverlayUtil,
  DefaultCursor,
  useEditor,
  useValue,
  type TLCursorProps,
} from 'tldraw'
import { useEffect, useState } from 'react'
import { sessionIn } from './useSession.ts'

/** How long a cursor may rest before its name fades: a crowd's parked labels would cover the board. */
export const CURSOR_IDLE_MS = 4000

const hiddenIn = (editor: ReturnType<typeof useEditor>) => sessionIn(editor).cursorsHidden

/** Whether a cursor has stayed put for `CURSOR_IDLE_MS`; a move wakes it. */
function useIdle(x: number | undefined, y: number | undefined) {
  const [idle, setIdle] = useState(false)
  // biome-ignore lint/correctness/useExhaustiveDependencies: every move of the point restarts the wait
  useEffect(() => {
    setIdle(false)
    const timer = setTimeout(() => setIdle(true), CURSOR_IDLE_MS)
    return () => clearTimeout(timer)
  }, [x, y])
  return idle
}

/**
 * Another person's cursor, unless the facilitator has hidden everyone's (a large group). A cursor
 * that rests keeps its arrow but fades its name, which comes back as soon as it moves; a chat
 * message still shows.
 */
export function SessionCursor(props: TLCursorProps) {
  const editor = useEditor()
  const hidden = useValue('cursors hidden', () => hiddenIn(editor), [editor])
  const idle = useIdle(props.point?.x, props.point?.y)
  if (hidden) return null
  return <DefaultCursor {...props} className={idle ? `${props.className ?? ''} op-cursor--idle`.trim() : props.className} />
}

// With the cursors go the hints at the screen's edge pointing at cursors off it, and others'
// selection brushes and scribbles: what a crowd's cursors would otherwise still draw.

class SessionHintOverlayUtil extends CollaboratorHintOverlayUtil {
  override isActive() {
    return !hiddenIn(this.editor) && super.isActive()
  }
}

class SessionBrushOverlayUtil extends CollaboratorBrushOverlayUtil {
  override isActive() {
    return !hiddenIn(this.editor) && super.isActive()
  }
}

class SessionScribbleOverlayUtil extends CollaboratorScribbleOverlayUtil {
  override isActive() {
    return !hiddenIn(this.editor) && super.isActive()
  }
}

/** In place of tldraw's own (same types): they draw nothing while the cursors are hidden. */
export const sessionOverlayUtils = [SessionHintOverlayUtil, SessionBrushOverlayUtil, SessionScribbleOverlayUtil]
