import { MAX_SHAPE_NESTING, type DocDiff } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import type { ServerWriterId } from '../serverWrites.ts'

/** The name repairs are logged under: never a client's (those are digests, see writerIdentity). */
export const REPAIR_WRITER: ServerWriterId = 'server:repair'

type Rec = UnknownRecord & { parentId?: string }

/**
 * What a board stored before today's checks may hold that today's checks refuse, and that would
 * break every browser that opens it (rich text the renderer cannot read, groups nested thousands
 * deep). The repair removes those records through the board's log, so every node and client
 * applies it in order, and the kept snapshots still hold what was removed. `invalid`: the records
 * the checks refuse, with why (BoardState.check).
 */
export function repairDiff(records: Map<string, UnknownRecord>, invalid: Map<string, string>): { diff: DocDiff; reasons: string[] } | null {
  const diff: DocDiff = {}
  const reasons: string[] = []
  for (const [id, reason] of invalid) {
    diff[id] = ['remove']
    reasons.push(reason)
  }
  for (const id of tooDeep(records)) {
    if (diff[id]) continue
    diff[id] = ['remove']
    reasons.push(`shape ${id} is nested more than ${MAX_SHAPE_NESTING} groups or frames deep`)
  }
  if (reasons.length === 0) return null
  // The fold keeps a removed shape's children under the nearest ancestor left (they may be
  // someone's concurrent work): what goes with a repaired shape is named, as the editor names it.
  for (const id of descendants(records, Object.keys(diff))) diff[id] ??= ['remove']
  return { diff, reasons }
}

function descendants(records: Map<string, UnknownRecord>, roots: string[]): string[] {
  const children = new Map<string, string[]>()
  for (const r of records.values() as Iterable<Rec>) {
    if (r.typeName !== 'shape' || !r.parentId) continue
    const list = children.get(r.parentId)
    if (list) list.push(r.id)
    else children.set(r.parentId, [r.id])
  }
  const found: string[] = []
  const seen = new Set(roots)
  const queue = [...roots]
  while (queue.length > 0) {
    for (const child of children.get(queue.pop()!) ?? []) {
      if (seen.has(child)) continue
      seen.add(child)
      found.push(child)
      queue.push(child)
    }
  }
  return found
}

/** Shapes at nesting level MAX + 1: with everything deeper, what must go. */
function tooDeep(records: Map<string, UnknownRecord>): string[] {
  const depth = new Map<string, number>()
  const levelOf = (start: Rec): number => {
    const chain: Rec[] = []
    let r: Rec | undefined = start
    let base = 0
    while (r?.typeName === 'shape') {
      const known = depth.get(r.id)
      if (known !== undefined) {
        base = known
        break
      }
      if (chain.includes(r)) break
      chain.push(r)
      r = records.get(r.parentId ?? '') as Rec | undefined
    }
    for (let i = chain.length - 1; i >= 0; i--) depth.set(chain[i].id, ++base)
    return depth.get(start.id) ?? base
  }
  const found: string[] = []
  for (const r of records.values()) {
    if (r.typeName === 'shape' && levelOf(r as Rec) === MAX_SHAPE_NESTING + 1) found.push(r.id)
  }
  return found
}
