import type { DocDiff } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { isEqual } from '@tldraw/utils'

/**
 * The change that turns the board `now` into `then`, or null when they are the same; records
 * `keep` says yes to are left as they are now, whatever `then` holds.
 */
export function boardDiff(
  now: Map<string, UnknownRecord>,
  then: Map<string, UnknownRecord>,
  keep: (id: string) => boolean = () => false
): DocDiff | null {
  const diff: DocDiff = {}
  for (const [id, record] of then) if (!keep(id) && !isEqual(now.get(id), record)) diff[id] = ['put', record]
  for (const id of now.keys()) if (!keep(id) && !then.has(id)) diff[id] = ['remove']
  return Object.keys(diff).length > 0 ? diff : null
}
