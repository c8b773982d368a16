import type { Editor } from 'tldraw'

/**
 * A bound on memory: the canvas needs a few dozen measures (kinds and tags); an export of a large
 * board measures every name, and beyond this the oldest measures are dropped.
 */
const LIMIT = 10_000

const caches = new WeakMap<Editor, Map<string, unknown>>()

/**
 * `measure()` once per key and editor. Each measure makes the browser lay text out (about a
 * millisecond with its spans), and a board of 2,000 records drew its cards in 8 s mostly
 * measuring the same few kinds and tags again. A font that finishes loading may change any
 * measure taken in its fallback, so then everything is measured anew.
 */
export function measuredOnce<T>(editor: Editor, key: string, measure: () => T): T {
  let cache = caches.get(editor)
  if (!cache) {
    const fresh = new Map<string, unknown>()
    const fonts = editor.getContainer().ownerDocument.fonts
    const forget = () => fresh.clear()
    fonts.addEventListener('loadingdone', forget)
    editor.disposables.add(() => fonts.removeEventListener('loadingdone', forget))
    caches.set(editor, fresh)
    cache = fresh
  }
  if (cache.has(key)) return cache.get(key) as T
  const value = measure()
  // The oldest goes first: a Map iterates in insertion order.
  if (cache.size >= LIMIT) cache.delete(cache.keys().next().value as string)
  cache.set(key, value)
  return value
}
