import { refusal, type DocDiff, type DocOp, type Refusal, type Role } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'

/** One record operation as a role's check sees it: the record before, and what is done to it. */
export interface RecordChange {
  id: string
  op: DocOp
  /** The record as the board holds it now; undefined when it does not exist (yet). */
  before: UnknownRecord | undefined
}

/**
 * Whether `role` may make this change to a record of this type. Runs for every record of every
 * push, drags included: a check must be a few comparisons, never a scan of the board.
 */
export type RecordAuthorizer = (role: Role, change: RecordChange) => boolean

const anyone: RecordAuthorizer = () => true

/**
 * One authorizer per document record type. A type missing here is refused for every role: a new
 * record type is closed until somebody decides who may write it.
 * Today every link is a participant link, and participants edit the whole document; the
 * facilitation roles narrow this (the template and phases to facilitators, nothing to a projector).
 */
export const RECORD_AUTHORIZERS: Readonly<Record<string, RecordAuthorizer>> = {
  document: anyone,
  page: anyone,
  shape: anyone,
  binding: anyone,
  asset: anyone,
  template: anyone,
}

/** The first record of the diff the role may not change, as a refusal; null when all may be. */
export function authorizeDiff(
  role: Role,
  diff: DocDiff,
  current: (id: string) => UnknownRecord | undefined,
  authorizers: Readonly<Record<string, RecordAuthorizer>> = RECORD_AUTHORIZERS
): Refusal | null {
  for (const id in diff) {
    const type = id.slice(0, id.indexOf(':'))
    const authorize = Object.hasOwn(authorizers, type) ? authorizers[type] : undefined
    if (!authorize?.(role, { id, op: diff[id], before: current(id) })) {
      return refusal('forbidden', { type }, `a ${role} may not change ${id}`)
    }
  }
  return null
}
