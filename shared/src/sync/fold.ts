import type { RecordId, RecordsDiff, UnknownRecord } from '@tldraw/store'
import { isEqual } from '@tldraw/utils'
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing'
import type { Refusal } from '../protocol/refusal.ts'
import { templateOf, templateProblem } from '../template/rules.ts'
import { TEMPLATE_RECORD_ID } from '../template/templateRecord.ts'
import type { DotRecord, VoteRecord } from '../session/voteRecords.ts'
import type { Adjustment, AdjustmentReason, AdjustmentWhat } from './adjustment.ts'
import { freedTerminal, type ArrowBindingRecord } from './arrowTerminals.ts'
import { MAX_SHAPE_NESTING, reject, Rejection, validateRecord } from './checkDocDiff.ts'
import { applyRecordPatch, type DocDiff, type DocOp, type ShapeContext } from './docDiff.ts'
import { cleanUpGroups, type GroupBoard } from './groupCleanup.ts'
import { LIMITS } from './limits.ts'
import { compose, IDENTITY, localPlacement, pagePlacement, relativeTo, type Placement } from './shapeTransforms.ts'

/**
 * The fold of a board's log. Server and clients run this same function on the same ordered
 * entries, so they reach the same document without the server sending back what it applied.
 */
export interface RecordSource {
  get(id: string): UnknownRecord | undefined
  all(): Iterable<UnknownRecord>
  size(): number
}

export type FoldResult = { ok: true; changes: RecordsDiff<UnknownRecord>; adjusted: Adjustment[] } | { ok: false; refusal: Refusal }

type Id = RecordId<UnknownRecord>
type Rec = UnknownRecord & {
  type?: string
  parentId?: string
  index?: string
  fromId?: string
  toId?: string
  props?: Record<string, unknown>
}

/**
 * Applies a checked diff to a document. A conflict with what others did meanwhile costs only the
 * records it touches, each resolved as its author would expect where it can be, and said in
 * `adjusted`: a patch to a deleted record is dropped (the deleter wins); a shape whose group or
 * frame is gone stays where it was, under the nearest ancestor left; an arrow end whose shape is
 * gone stays there, unbound; a group left with fewer than two children is dissolved, as tldraw
 * does. Those consequences are computed here, not by each editor, so the server and every client
 * hold the same document. What is wrong with the push as a whole (the last page removed, the
 * template broken, the board over its cap) rejects it whole: nothing applies.
 */
export function foldDocDiff(source: RecordSource, diff: DocDiff): FoldResult {
  try {
    return { ok: true, ...new Fold(source).run(diff) }
  } catch (e) {
    if (e instanceof Rejection) return { ok: false, refusal: e.refusal }
    throw e
  }
}

function isContainer(r: Rec | undefined): r is Rec {
  return r?.typeName === 'page' || r?.typeName === 'shape'
}

/**
 * Walks a shape's ancestors. A missing parent, or a cycle (two people each moving one shape into
 * the other), is a conflict the caller resolves; a parent that is no shape or page, or nesting
 * past the bound, is wrong as a whole and rejects the push. Null when the chain reaches a page, or
 * breaks above the parent (that ancestor is resolved on its own).
 */
function chainProblem(shape: Rec, view: (id: string) => Rec | undefined): 'parent-removed' | 'cycle' | null {
  const seen = new Set([shape.id])
  let parentId = shape.parentId
  for (;;) {
    if (!parentId) reject('no-parent', {}, `shape ${shape.id} has no parent`)
    const parent = view(parentId)
    if (!parent) return parentId === shape.parentId ? 'parent-removed' : null
    if (parent.typeName === 'page') return null
    if (parent.typeName !== 'shape') reject('no-parent', {}, `shape ${shape.id} has a ${parent.typeName} as parent`)
    if (seen.has(parent.id)) return 'cycle'
    if (seen.size >= MAX_SHAPE_NESTING)
      reject('nesting', { limit: MAX_SHAPE_NESTING }, `shape ${shape.id} is nested more than ${MAX_SHAPE_NESTING} groups or frames deep`)
    seen.add(parent.id)
    parentId = parent.parentId
  }
}

function sortedIds(ids: Iterable<string>) {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

class Fold {
  private readonly puts = new Map<string, Rec>()
  private readonly removes = new Set<string>()
  private readonly contexts = new Map<string, ShapeContext>()
  /** Arrow ends (`id terminal`) the push writes itself: its author's editor already placed them. */
  private readonly authoredEnds = new Set<string>()
  private readonly adjusted = new Map<string, Adjustment>()
  /** Shapes the fold moved to another parent, with the index they go just above (null: on top). */
  private readonly rehomed = new Map<string, string | null>()
  /** Groups that may have lost children here (a group an author adds is as its author made it). */
  private readonly touchedGroups = new Set<string>()
  private index?: { children: Map<string, string[]>; bindings: Map<string, string[]> }

  constructor(private readonly source: RecordSource) {}

  /** A record as the fold now has it; undefined once removed or dropped. */
  private readonly view = (id: string): Rec | undefined =>
    this.removes.has(id) ? undefined : ((this.puts.get(id) ?? this.source.get(id)) as Rec | undefined)

  /** The same, still seeing what this fold removes: where a removed shape was. */
  private readonly before = (id: string): Rec | undefined => (this.puts.get(id) ?? this.source.get(id)) as Rec | undefined

  run(diff: DocDiff) {
    const explicitRemoves = this.read(diff)
    this.checkWhole()
    for (const id of explicitRemoves) this.removeDependents(id)
    this.placeShapes()
    this.checkBindings()
    cleanUpGroups(this.groupBoard(), this.touchedGroups)
    this.checkMovedSubtrees()
    this.assignIndices()
    this.separateIndices()
    return { changes: this.changes(), adjusted: [...this.adjusted.values()] }
  }

  private adjust(id: string, what: AdjustmentWhat, reason: AdjustmentReason) {
    if (what === 'dropped' || what === 'removed') {
      for (const key of [...this.adjusted.keys()]) if (key.startsWith(`${id} `)) this.adjusted.delete(key)
    }
    this.adjusted.set(`${id} ${what}`, { id, what, reason })
  }

  private read(diff: DocDiff): string[] {
    const removed: string[] = []
    for (const [id, op] of Object.entries(diff) as [string, DocOp][]) {
      if (op[0] === 'put') {
        const record = op[1] as Rec
        this.puts.set(id, record)
        if (op[2]) this.contexts.set(id, op[2])
        if (record.type === 'arrow') for (const end of ['start', 'end']) this.authoredEnds.add(`${id} ${end}`)
      } else if (op[0] === 'patch') {
        const current = this.source.get(id) as Rec | undefined
        if (!current) {
          this.adjust(id, 'dropped', 'record-removed')
          continue
        }
        // Fields are checked one by one, so no concurrent edit makes a valid patch invalid: it is wrong as a whole.
        const next = validateRecord(applyRecordPatch(current, op[1]), id) as Rec
        this.puts.set(id, next)
        if (op[2]) this.contexts.set(id, op[2])
        if (current.parentId && next.parentId !== current.parentId) this.touchedGroups.add(current.parentId)
        const props = op[1].nested?.props?.set ?? {}
        if (next.type === 'arrow') for (const end of ['start', 'end']) if (Object.hasOwn(props, end)) this.authoredEnds.add(`${id} ${end}`)
      } else if (this.source.get(id)) {
        if (id === 'document:document') reject('protected', {}, 'the document record cannot be removed')
        this.removes.add(id)
        removed.push(id)
        const parentId = (this.source.get(id) as Rec).parentId
        if (id.startsWith('shape:') && parentId) this.touchedGroups.add(parentId)
      }
    }
    return removed
  }

  /** What no resolution of single records can mend: the push is refused whole. */
  private checkWhole() {
    if ([...this.removes].some((id) => id.startsWith('page:'))) {
      let pages = 0
      for (const r of this.source.all()) if (r.typeName === 'page' && !this.removes.has(r.id)) pages++
      for (const [id, r] of this.puts) if (r.typeName === 'page' && !this.source.get(id)) pages++
      if (pages === 0) reject('last-page', {}, 'a board needs at least one page')
    }
    const template = templateOf(this.view)
    const previousTemplate = templateOf((id) => this.source.get(id))
    for (const r of this.puts.values()) {
      const problem = templateProblem(r, template, previousTemplate)
      if (problem) throw new Rejection(problem)
    }
    if (this.removes.has(TEMPLATE_RECORD_ID)) reject('protected', {}, 'the board’s template cannot be removed')
    // A dot that reaches the log after its vote closed (placed on another node at that moment)
    // is never on the board: what the count saw is all there is.
    for (const r of this.puts.values()) {
      if (r.typeName !== 'dot' || this.source.get(r.id)) continue
      const vote = this.view((r as unknown as DotRecord).voteId) as unknown as VoteRecord | undefined
      if (vote?.state !== 'open') {
        reject('vote-closed', {}, 'the vote is closed')
      }
    }
  }

  private buildIndex() {
    if (this.index) return this.index
    const children = new Map<string, string[]>()
    const bindings = new Map<string, string[]>()
    const note = (map: Map<string, string[]>, key: string | undefined, id: string) => {
      if (!key) return
      const list = map.get(key)
      if (list) list.push(id)
      else map.set(key, [id])
    }
    for (const r of this.source.all() as Iterable<Rec>) {
      if (r.typeName === 'shape') note(children, r.parentId, r.id)
      else if (r.typeName === 'binding') {
        note(bindings, r.fromId, r.id)
        note(bindings, r.toId, r.id)
      }
    }
    this.index = { children, bindings }
    return this.index
  }

  /** The shapes now under `id`, in a fixed order (the source's order differs between server and clients). */
  private childrenOf(id: string): string[] {
    const candidates = new Set(this.buildIndex().children.get(id))
    for (const r of this.puts.values()) if (r.typeName === 'shape' && r.parentId === id) candidates.add(r.id)
    return sortedIds([...candidates].filter((c) => this.view(c)?.parentId === id))
  }

  /** The bindings now from or to `id`; with `evenRemoved`, those this fold removes too. */
  private bindingsOf(id: string, evenRemoved = false): string[] {
    const candidates = new Set(this.buildIndex().bindings.get(id))
    for (const r of this.puts.values()) if (r.typeName === 'binding' && (r.fromId === id || r.toId === id)) candidates.add(r.id)
    const get = evenRemoved ? this.before : this.view
    return sortedIds(
      [...candidates].filter((b) => {
        const r = get(b)
        return r !== undefined && (r.fromId === id || r.toId === id)
      })
    )
  }

  /** Takes a record out of the document (or out of the push, when it is new here), and what hangs on it. */
  private discard(id: string) {
    const record = this.before(id)
    if (!record || this.removes.has(id)) return
    this.puts.delete(id)
    if (this.source.get(id)) this.removes.add(id)
    if (record.typeName === 'shape' && record.parentId) this.touchedGroups.add(record.parentId)
    this.removeDependents(id)
  }

  /** What a removal leaves dangling: children stay under the nearest ancestor left, arrows come unbound. */
  private removeDependents(id: string) {
    const record = this.before(id)
    if (!record) return
    if (record.typeName === 'binding') {
      // Removed on purpose: the author's editor placed the arrow end when it could, the fold does it when it did not.
      if (this.view(record.fromId!)) this.unbind(record.fromId!, id)
      return
    }
    for (const child of this.childrenOf(id)) {
      if (!this.rehome(child, 'parent-removed')) {
        this.adjust(child, 'dropped', 'parent-removed')
        this.discard(child)
      }
    }
    for (const bindingId of this.bindingsOf(id)) {
      const binding = this.view(bindingId)!
      this.discard(bindingId)
      if (binding.toId === id && this.view(binding.fromId!)) this.adjust(binding.fromId!, 'unbound', 'target-removed')
    }
  }

  /** Frees an arrow's end where its binding held it, unless the push placed that end itself. */
  private unbind(arrowId: string, bindingId: string) {
    const arrow = this.view(arrowId)
    const binding = this.before(bindingId) as (Rec & ArrowBindingRecord) | undefined
    if (arrow?.type !== 'arrow' || binding?.type !== 'arrow' || !binding.props) return
    const terminal = binding.props.terminal
    if (this.authoredEnds.has(`${arrowId} ${terminal}`)) return
    const other = this.bindingsOf(arrowId, true)
      .map((b) => this.before(b) as Rec & ArrowBindingRecord)
      .find((b) => b.type === 'arrow' && b.fromId === arrowId && b.props.terminal !== terminal)
    const point = freedTerminal(arrow, binding, other, this.before, MAX_SHAPE_NESTING)
    if (point) this.puts.set(arrowId, { ...arrow, props: { ...arrow.props, [terminal]: point } })
  }

  /**
   * Finds a shape whose parent is gone a place to stay, keeping it where it was on the page:
   * under the nearest ancestor left, known from the board (the ancestors this fold removes) or
   * from its author's context (ancestors removed earlier); else where it was before this push.
   * False when there is none: every ancestor, its page included, is gone.
   */
  private rehome(id: string, reason: AdjustmentReason): boolean {
    const shape = this.before(id)!
    let placement = localPlacement(shape)
    let top = shape
    let parentId = shape.parentId
    for (let depth = 0; parentId && depth <= MAX_SHAPE_NESTING; depth++) {
      if (isContainer(this.view(parentId))) return this.moveTo(id, parentId, placement, top.index ?? null, reason)
      const gone = this.before(parentId)
      if (gone?.typeName !== 'shape') break
      placement = compose(localPlacement(gone), placement)
      top = gone
      parentId = gone.parentId
    }
    for (const ancestor of this.contexts.get(id)?.ancestors ?? []) {
      const alive = this.view(ancestor)
      if (alive?.typeName === 'page') return this.moveTo(id, ancestor, this.contexts.get(id)!, null, reason)
      const at = alive?.typeName === 'shape' ? pagePlacement(alive, this.view, MAX_SHAPE_NESTING) : undefined
      if (at) return this.moveTo(id, ancestor, relativeTo(at, this.contexts.get(id)!), null, reason)
    }
    const previous = this.source.get(id) as Rec | undefined
    if (previous && previous.parentId !== shape.parentId && isContainer(this.view(previous.parentId!))) {
      const { parentId, x, y, rotation, index } = previous as Rec & Record<string, unknown>
      this.puts.set(id, { ...shape, parentId, x, y, rotation, index } as Rec)
      this.adjust(id, 'reparented', reason)
      return true
    }
    return false
  }

  private moveTo(id: string, parentId: string, placement: Placement, above: string | null, reason: AdjustmentReason) {
    const shape = this.before(id)!
    if (shape.parentId) this.touchedGroups.add(shape.parentId)
    const { x, y, rotation } = placement
    this.puts.set(id, { ...shape, parentId, x, y, rotation } as Rec)
    this.rehomed.set(id, above)
    this.adjust(id, 'reparented', reason)
    return true
  }

  /** Every shape the push adds or changes must hang from a page: mended where it can be, else left out. */
  private placeShapes() {
    for (let changed = true; changed; ) {
      changed = false
      for (const [id, r] of [...this.puts]) {
        if (r.typeName !== 'shape' || this.puts.get(id) !== r) continue
        this.followAuthor(id, r)
        const problem = chainProblem(this.puts.get(id)!, this.view)
        // A record left as it was is no cause of a cycle: the move that closed it is another's, and is dropped in turn.
        if (!problem || (problem === 'cycle' && this.puts.get(id) === this.source.get(id))) continue
        changed = true
        if (problem === 'parent-removed' && this.rehome(id, problem)) continue
        this.drop(id, problem)
      }
    }
  }

  /**
   * A move its author made inside a parent that is no longer the shape's (the fold moved it out
   * meanwhile): the author's page placement, carried into the parent it has now.
   */
  private followAuthor(id: string, shape: Rec) {
    const context = this.contexts.get(id)
    const parent = shape.parentId ? this.view(shape.parentId) : undefined
    if (!context || !parent || context.ancestors[0] === shape.parentId) return
    const at = parent.typeName === 'page' ? IDENTITY : parent.typeName === 'shape' ? pagePlacement(parent, this.view, MAX_SHAPE_NESTING) : undefined
    if (!at) return
    const { x, y, rotation } = relativeTo(at, context)
    this.puts.set(id, { ...shape, x, y, rotation } as Rec)
  }

  /** Leaves a record's change out: the record stays as it was, or, new here, is not added. */
  private drop(id: string, reason: AdjustmentReason) {
    this.adjust(id, 'dropped', reason)
    const previous = this.source.get(id) as Rec | undefined
    if (previous && isContainer(this.view(previous.parentId!))) this.puts.set(id, previous)
    else this.discard(id)
  }

  /** A binding's ends must both be shapes; one whose shape is gone is dropped, and its arrow left unbound. */
  private checkBindings() {
    for (const [id, r] of [...this.puts]) {
      if (r.typeName !== 'binding' || this.puts.get(id) !== r) continue
      if ([r.fromId, r.toId].every((end) => end && this.view(end)?.typeName === 'shape')) continue
      this.discard(id)
      if (this.view(r.fromId!)?.typeName === 'shape') this.adjust(r.fromId!, 'unbound', 'target-removed')
      else this.adjust(id, 'dropped', 'target-removed')
    }
  }

  private groupBoard(): GroupBoard {
    return {
      get: (id) => {
        const r = this.view(id)
        return r?.typeName === 'shape' ? (r as ReturnType<GroupBoard['get']>) : undefined
      },
      childrenOf: (id) => this.childrenOf(id),
      liftOut: (child, groupId) => {
        const group = this.view(groupId)!
        this.moveTo(child, group.parentId!, compose(localPlacement(group), localPlacement(this.view(child)!)), group.index ?? null, 'group-emptied')
      },
      remove: (groupId) => {
        this.discard(groupId)
        this.adjust(groupId, 'removed', 'group-emptied')
      },
    }
  }

  /**
   * A shape moved under another carries its whole subtree along: the deepest shape of that subtree
   * must stay within the bound too, or nesting could grow past it one move at a time.
   */
  private checkMovedSubtrees() {
    for (const [id, shape] of [...this.puts]) {
      const previous = this.source.get(id) as Rec | undefined
      if (shape.typeName !== 'shape' || !previous || previous.parentId === shape.parentId || this.puts.get(id) !== shape) continue
      let depth = 1
      for (let p = this.view(shape.parentId!); p?.typeName === 'shape' && depth <= MAX_SHAPE_NESTING; p = this.view(p.parentId!)) depth++
      let level: string[] = [id]
      for (let below = 0; level.length > 0; below++) {
        if (depth + below > MAX_SHAPE_NESTING)
          reject('nesting', { limit: MAX_SHAPE_NESTING }, `moving ${id} would nest shapes more than ${MAX_SHAPE_NESTING} groups or frames deep`)
        level = level.flatMap((c) => this.childrenOf(c))
      }
    }
  }

  /**
   * Shapes the fold moved go just above the shape whose place they take (tldraw's reparentShapes
   * with an insert index), or on top when that is not known, below whatever was above it.
   */
  private assignIndices() {
    const groups = new Map<string, { parentId: string; above: string | null; ids: string[] }>()
    for (const [id, above] of this.rehomed) {
      const shape = this.view(id)
      if (!shape || !shape.parentId) continue
      const key = `${shape.parentId} ${above ?? ''}`
      const group = groups.get(key) ?? { parentId: shape.parentId, above, ids: [] }
      group.ids.push(id)
      groups.set(key, group)
    }
    for (const key of sortedIds(groups.keys())) {
      const { parentId, above, ids } = groups.get(key)!
      const taken = [
        ...this.childrenOf(parentId)
          .filter((c) => !this.rehomed.has(c))
          .map((c) => this.view(c)!.index!),
        ...[...groups.values()].filter((g) => g.parentId === parentId && g.above !== null).map((g) => g.above!),
      ]
      const below = above ?? taken.reduce<string | null>((max, i) => (max === null || i > max ? i : max), null)
      const next = above === null ? null : taken.filter((i) => i > above).reduce<string | null>((min, i) => (min === null || i < min ? i : min), null)
      const order = ids.map((id) => this.view(id)!).sort((a, b) => (a.index! < b.index! ? -1 : a.index! > b.index! ? 1 : a.id < b.id ? -1 : 1))
      // Not tldraw's getIndicesBetween: it adds random jitter outside tests, and every replica
      // would then stack the same shape differently.
      const indices = generateNKeysBetween(below, next, order.length)
      order.forEach((shape, i) => this.puts.set(shape.id, { ...shape, index: indices[i] }))
    }
  }

  /**
   * Two shapes under one parent at one index make tldraw throw whenever it reorders them (group,
   * ungroup, reparent). Concurrent creations each put "on top" collide so, and so do concurrent
   * reorders: the shape this entry places moves just above the one already there.
   */
  private separateIndices() {
    const placed = [...this.puts.values()].filter((r) => {
      if (r.typeName !== 'shape' || this.view(r.id) !== r) return false
      const previous = this.source.get(r.id) as Rec | undefined
      return !previous || previous.index !== r.index || previous.parentId !== r.parentId
    })
    // Each parent's indices, looked up once: per placed shape, a fold of a whole board compared
    // every shape with every sibling (2,000 shapes onto 8,000 took 8.6 s).
    const siblings = new Map<string, SortedIndices>()
    for (const id of sortedIds(placed.map((r) => r.id))) {
      const shape = this.view(id)!
      const parentId = shape.parentId!
      let taken = siblings.get(parentId)
      if (!taken) {
        taken = new SortedIndices(this.childrenOf(parentId).map((c) => this.view(c)!.index!))
        siblings.set(parentId, taken)
      }
      // The shape itself holds one of the entries at its index.
      if (taken.count(shape.index!) < 2) continue
      const index = indexJustAbove(shape.index!, taken.after(shape.index!))
      taken.move(shape.index!, index)
      this.puts.set(id, { ...shape, index })
    }
  }

  private changes(): RecordsDiff<UnknownRecord> {
    const changes: RecordsDiff<UnknownRecord> = { added: {}, updated: {}, removed: {} }
    let added = 0
    for (const [id, next] of this.puts) {
      const prev = this.source.get(id)
      if (!prev) {
        changes.added[id as Id] = next
        added++
      } else if (!isEqual(prev, next)) changes.updated[id as Id] = [prev, next]
    }
    for (const id of this.removes) changes.removed[id as Id] = this.source.get(id)!
    if (added > 0 && this.source.size() + added - this.removes.size > LIMITS.recordsPerBoard) {
      reject('board-records', { limit: LIMITS.recordsPerBoard }, `a board holds at most ${LIMITS.recordsPerBoard} records`)
    }
    return changes
  }
}

/**
 * Where a shape placed at a sibling's index goes instead: just above it, below `next` (the
 * lowest index above it, if any). The same everywhere, so the fold and an editor that separates
 * its own user's shapes (client/src/board/distinctIndices.ts) agree.
 */
export function indexJustAbove(index: string, next: string | null): string {
  return generateKeyBetween(index, next)
}

/** The indices of a parent's children, in order, duplicates included. */
class SortedIndices {
  private readonly items: string[]

  constructor(indices: string[]) {
    this.items = indices.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** Position of the first index at or above `index` (with `above`, strictly above). */
  private search(index: string, above = false): number {
    let lo = 0
    let hi = this.items.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.items[mid] < index || (above && this.items[mid] === index)) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  count(index: string): number {
    return this.search(index, true) - this.search(index)
  }

  /** The lowest index strictly above `index`, or null. */
  after(index: string): string | null {
    return this.items[this.search(index, true)] ?? null
  }

  move(from: string, to: string) {
    this.items.splice(this.search(from), 1)
    this.items.splice(this.search(to), 0, to)
  }
}

/** A RecordSource over a plain map, as the server keeps a board. */
export function mapSource(map: Map<string, UnknownRecord>): RecordSource {
  return { get: (id) => map.get(id), all: () => map.values(), size: () => map.size }
}

export function applyChangesToMap(map: Map<string, UnknownRecord>, changes: RecordsDiff<UnknownRecord>) {
  for (const [id, r] of Object.entries(changes.added)) map.set(id, r)
  for (const [id, [, r]] of Object.entries(changes.updated)) map.set(id, r)
  for (const id of Object.keys(changes.removed)) map.delete(id)
}
