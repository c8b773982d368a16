import { sessionOf, type SessionRecord } from '@opificio/shared'
import { useValue, type Editor } from 'tldraw'

/** The board's session record, read from the store; re-renders when the facilitator changes it. */
export function sessionIn(editor: Editor): SessionRecord {
  return sessionOf((id) => editor.store.get(id as never))
}

export function useSession(editor: Editor): SessionRecord {
  return useValue('session', () => sessionIn(editor), [editor])
}
