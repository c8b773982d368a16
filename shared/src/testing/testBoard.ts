import type { UnknownRecord } from '@tldraw/store'
import { createInitialRecords } from '../schema/schema.ts'
import type { DocDiff } from '../sync/docDiff.ts'
import { checkDocDiff } from '../sync/checkDocDiff.ts'
import { applyChangesToMap, foldDocDiff, mapSource } from '../sync/fold.ts'

/** A new board's document as a map, plus any records a test needs. */
export function testBoard(...extra: UnknownRecord[]) {
  const map = new Map<string, UnknownRecord>()
  for (const r of [...createInitialRecords('Pagina 1'), ...extra]) map.set(r.id, r)
  return map
}

/** What the server does with a push: check it alone, then fold it into the board. */
export function pushTo(map: Map<string, UnknownRecord>, diff: DocDiff) {
  const checked = checkDocDiff(diff)
  if (!checked.ok) return checked
  const result = foldDocDiff(mapSource(map), checked.diff)
  if (result.ok) applyChangesToMap(map, result.changes)
  return result
}
