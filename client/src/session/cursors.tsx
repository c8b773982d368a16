import {
  CollaboratorBrushOverlayUtil,
  CollaboratorHintOverlayUtil,
  CollaboratorScribbleOverlayUtil,
  DefaultCursor,
  useEditor,
  useValue,
  type TLCursorProps,
} from 'tldraw'
import { sessionIn } from './useSession.ts'

const hiddenIn = (editor: ReturnType<typeof useEditor>) => sessionIn(editor).cursorsHidden

/** Another person's cursor, unless the facilitator has hidden everyone's (a large group). */
export function SessionCursor(props: TLCursorProps) {
  const editor = useEditor()
  const hidden = useValue('cursors hidden', () => hiddenIn(editor), [editor])
  return hidden ? null : <DefaultCursor {...props} />
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
