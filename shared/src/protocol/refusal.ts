import { T } from '@tldraw/validate'

/**
 * Why a change was refused, as a code and its parameters: the client words it in the reader's
 * language. `detail` is for logs and developer tools only, never for a screen.
 */
export interface Refusal {
  code: RefusalCode
  params?: RefusalParams
  detail?: string
}

export type RefusalParams = Record<string, string | number>

/** Every code with the parameters it carries: the translation table has one line per code. */
export interface RefusalParamsByCode {
  /** The change is not a well-formed list of record operations. */
  malformed: Record<string, never>
  /** A record breaks its type's schema. */
  'record-invalid': { type: string }
  /** A record of a type that has no place on a board. */
  'record-type': { type: string }
  /** A record or the whole change is bigger than `limit` bytes. */
  'too-large': { limit: number }
  /** Something is nested deeper than `limit` levels. */
  'too-deep': { limit: number }
  /** More than `limit` records in one change. */
  'too-many-records': { limit: number }
  /** The board would hold more than `limit` bytes. */
  'board-full': { limit: number }
  /** The board would hold more than `limit` records. */
  'board-records': { limit: number }
  /** A shape whose page, group or frame is gone or is not a container. */
  'no-parent': Record<string, never>
  /** Groups or frames nested more than `limit` deep. */
  nesting: { limit: number }
  /** The document record or the board's template cannot be removed. */
  protected: Record<string, never>
  /** The last page cannot be removed. */
  'last-page': Record<string, never>
  /** A shape uses a `what` (kind, sector, line, relation) that this board's template lacks. */
  'not-in-template': { what: TemplateItem; id: string }
  /** A commitment on a relation lacks what, by when or resources. */
  'commitment-incomplete': Record<string, never>
  /** An item of the template's `what` list was removed; it can only be renamed. */
  'template-removal': { what: TemplateItem; id: string }
  /** Storage could never write this change. */
  unstorable: Record<string, never>
  /** A `role` may not make this change to records of `type`. */
  forbidden: { type: string; role: string }
  /** The shape, or a frame it is in, is locked by the facilitator. */
  locked: Record<string, never>
  /** The facilitator ended the session: the board is read-only for participants until reopened. */
  'session-ended': Record<string, never>
  /** The vote is not open (any more), or that element is not one of its choices. */
  'vote-closed': Record<string, never>
  /** All of this person's `limit` dots are placed: take one back first. */
  'no-dots-left': { limit: number }
}

export type RefusalCode = keyof RefusalParamsByCode
export type TemplateItem = 'kind' | 'sector' | 'line' | 'relation' | 'phase'

export const REFUSAL_CODES: readonly RefusalCode[] = [
  'malformed',
  'record-invalid',
  'record-type',
  'too-large',
  'too-deep',
  'too-many-records',
  'board-full',
  'board-records',
  'no-parent',
  'nesting',
  'protected',
  'last-page',
  'not-in-template',
  'commitment-incomplete',
  'template-removal',
  'unstorable',
  'forbidden',
  'locked',
  'session-ended',
  'vote-closed',
  'no-dots-left',
]

/** Builds a refusal whose params are checked against its code. */
export function refusal<C extends RefusalCode>(code: C, params: RefusalParamsByCode[C], detail?: string): Refusal {
  const r: Refusal = { code }
  if (Object.keys(params).length > 0) r.params = params as RefusalParams
  if (detail !== undefined) r.detail = detail
  return r
}

const codes = new Set<string>(REFUSAL_CODES)
export const refusalValidator: T.Validator<Refusal> = T.object({
  code: T.string.check((c) => {
    if (!codes.has(c)) throw new Error(`unknown refusal code "${c}"`)
  }) as T.Validator<RefusalCode>,
  params: T.dict(T.string, T.or(T.string, T.number)).optional(),
  detail: T.string.optional(),
})
