import type { RecordsDiff, Store, UnknownRecord } from '@tldraw/store'

/** The part of tldraw's store its own undo history is built on; internal, so typed here. */
interface InterceptedStore {
  addHistoryInterceptor(fn: (entry: { changes: RecordsDiff<UnknownRecord> }, source: 'user' | 'remote') => void): () => void
}

/**
 * Calls `fn` as each change of this user's to the document is made, inside the change's own
 * task. The store tells its listeners only on the next animation frame, which would hold a push
 * back by up to a frame. Returns the stop.
 */
export function onUserEdit(store: Store<UnknownRecord>, fn: () => void): () => void {
  return (store as unknown as InterceptedStore).addHistoryInterceptor(({ changes }, source) => {
    if (source === 'user' && store.filterChangesByScope(changes, 'document')) fn()
  })
}
