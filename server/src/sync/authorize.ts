import { BALANCE_SHAPE, PACT_SHAPE, refusal, sessionOf, type DocDiff, type DocOp, type Refusal, type Role } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'

/** One record operation as a role's check sees it: the record before, and what is done to it. */
export interface RecordChange {
  id: string
  op: DocOp
  /** The record as the board holds it now; undefined when it does not exist (yet). */
  before: UnknownRecord | undefined
}

/** The board as it is before the push: lookups only, never a scan. */
export type BoardLookup = (id: string) => UnknownRecord | undefined

/**
 * Whether `role` may make this change to a record of this type. Runs for every record of every
 * push, drags included: a check must be a few comparisons and a walk up a few parents, never a
 * scan of the board.
 */
export type RecordAuthorizer = (role: Role, change: RecordChange, board: BoardLookup) => Verdict

/** Allowed, refused, or refused because of a lock (so the person is told it is locked, not forbidden). */
type Verdict = boolean | 'locked'

const facilitatorOnly: RecordAuthorizer = (role) => role === 'facilitator'

type Shape = UnknownRecord & { type?: string; parentId?: string; isLocked?: boolean }

/** Shapes the facilitator inserts with a phase: a participant neither makes nor changes them. */
const PHASE_SHAPES = new Set([BALANCE_SHAPE, PACT_SHAPE])

/** Whether the shape, or a group or frame it sits in, is locked. Bounded: nesting is at most 64 deep. */
function lockedWithin(shape: Shape | undefined, board: BoardLookup): boolean {
  for (let s = shape, depth = 0; s && s.typeName === 'shape' && depth <= 64; s = board(s.parentId ?? '') as Shape | undefined, depth++) {
    if (s.isLocked) return true
  }
  return false
}

/**
 * Participants edit the diagram, but nothing locked (the shape or a frame it is in), nothing of a
 * phase template, and they neither lock nor unlock. What they may not do, they may not do through
 * select-all, undo or a hand-made message either: this is the only place it is decided.
 */
const shapes: RecordAuthorizer = (role, { op, before }, board) => {
  if (role === 'facilitator') return true
  if (role !== 'participant') return false
  const old = before as Shape | undefined
  if (old && PHASE_SHAPES.has(old.type ?? '')) return false
  if (old && lockedWithin(old, board)) return 'locked'
  if (op[0] === 'put') {
    const made = op[1] as Shape
    if (PHASE_SHAPES.has(made.type ?? '') || made.isLocked) return false
    return lockedWithin(board(made.parentId ?? '') as Shape, board) ? 'locked' : true
  }
  if (op[0] === 'patch') {
    const set = op[1].set ?? {}
    if ('isLocked' in set || op[1].unset?.includes('isLocked')) return false
    if (typeof set.parentId === 'string' && lockedWithin(board(set.parentId) as Shape, board)) return 'locked'
  }
  return true
}

/** A binding belongs to its arrow: whoever may change the arrow may change what it is bound to. */
const bindings: RecordAuthorizer = (role, change, board) => {
  if (role === 'facilitator') return true
  if (role !== 'participant') return false
  const binding = (change.before ?? (change.op[0] === 'put' ? change.op[1] : undefined)) as (UnknownRecord & { fromId?: string }) | undefined
  return lockedWithin(board(binding?.fromId ?? '') as Shape | undefined, board) ? 'locked' : true
}

/** Participants add pages and rename them; removing one (and every shape on it) is the facilitator's. */
const pages: RecordAuthorizer = (role, { op }) => role === 'facilitator' || (role === 'participant' && op[0] !== 'remove')

const participantsToo: RecordAuthorizer = (role) => role === 'facilitator' || role === 'participant'

/**
 * One authorizer per document record type. A type missing here is refused for every role: a new
 * record type is closed until somebody decides who may write it. A projector writes nothing.
 */
export const RECORD_AUTHORIZERS: Readonly<Record<string, RecordAuthorizer>> = {
  document: facilitatorOnly,
  template: facilitatorOnly,
  // Written by the server alone, on a facilitator's control message (Room.control).
  session: () => false,
  // Votes and their sealed dots are the server's too (Room.writeVote, Room.ballot).
  vote: () => false,
  dot: () => false,
  page: pages,
  shape: shapes,
  binding: bindings,
  asset: participantsToo,
}

/** The first record of the diff the role may not change, as a refusal; null when all may be. */
export function authorizeDiff(
  role: Role,
  diff: DocDiff,
  board: BoardLookup,
  authorizers: Readonly<Record<string, RecordAuthorizer>> = RECORD_AUTHORIZERS
): Refusal | null {
  if (role === 'participant' && sessionOf(board).ended) return refusal('session-ended', {}, 'the session has ended')
  for (const id in diff) {
    const type = id.slice(0, id.indexOf(':'))
    const authorize = Object.hasOwn(authorizers, type) ? authorizers[type] : undefined
    const verdict = authorize?.(role, { id, op: diff[id], before: board(id) }, board) ?? false
    if (verdict === 'locked') return refusal('locked', {}, `${id} is locked`)
    if (!verdict) return refusal('forbidden', { type, role }, `a ${role} may not change ${id}`)
  }
  return null
}
