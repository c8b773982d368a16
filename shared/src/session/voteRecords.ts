import type { BaseRecord, RecordId } from '@tldraw/store'
import type { JsonObject } from '@tldraw/utils'
import { T } from '@tldraw/validate'

/**
 * An anonymous dot vote (phase 2 priorities): the facilitator opens it on some elements with
 * `dots` dots per person; people place and remove their dots; the counts stay sealed until the
 * facilitator reveals them, and then stay on the board. Written by the server alone.
 */
export interface VoteRecord extends BaseRecord<'vote', RecordId<VoteRecord>> {
  /** The elements one may put dots on. */
  targets: string[]
  dots: number
  state: 'open' | 'closed' | 'revealed'
  /** Dots per element, once revealed; null before. */
  results: Record<string, number> | null
  /** The facilitator took the revealed counts off the elements (they stay here). */
  hidden?: boolean
  meta: JsonObject
}

/**
 * One dot, sealed: its element is encrypted with a key only the server holds, and it names no
 * voter (the server writes it in its own name). The board shows how many dots there are, not
 * where, until the reveal counts them and removes them.
 */
export interface DotRecord extends BaseRecord<'dot', RecordId<DotRecord>> {
  voteId: string
  sealed: string
  meta: JsonObject
}

export const MAX_VOTE_TARGETS = 200
export const MAX_DOTS = 10

const shapeId = T.string.check((s) => {
  if (!s.startsWith('shape:') || s.length > 128) throw new Error('not a shape id')
})
const voteId = T.string.check((s) => {
  if (!/^vote:[A-Za-z0-9_-]{1,64}$/.test(s)) throw new Error('not a vote id')
})
export const dotCount = T.integer.check((n) => {
  if (n < 1 || n > MAX_DOTS) throw new Error(`1 to ${MAX_DOTS} dots`)
})
export const voteTargets = T.arrayOf(shapeId).check((ids) => {
  if (ids.length === 0 || ids.length > MAX_VOTE_TARGETS) throw new Error(`1 to ${MAX_VOTE_TARGETS} elements`)
  if (new Set(ids).size !== ids.length) throw new Error('an element listed twice')
})
export { voteId as voteIdValidator, shapeId as voteTargetValidator }

export const voteRecordValidator: T.Validator<VoteRecord> = T.object({
  id: voteId as unknown as T.Validator<RecordId<VoteRecord>>,
  typeName: T.literal('vote'),
  targets: voteTargets,
  dots: dotCount,
  state: T.literalEnum('open', 'closed', 'revealed'),
  results: T.nullable(
    T.dict(
      shapeId,
      T.integer.check((n) => {
        if (n < 0) throw new Error('a count is not negative')
      })
    )
  ),
  hidden: T.boolean.optional(),
  meta: T.jsonValue as T.Validator<JsonObject>,
})

export const dotRecordValidator: T.Validator<DotRecord> = T.object({
  id: T.string.check((s) => {
    if (!/^dot:[A-Za-z0-9_-]{1,64}$/.test(s)) throw new Error('not a dot id')
  }) as unknown as T.Validator<RecordId<DotRecord>>,
  typeName: T.literal('dot'),
  voteId,
  sealed: T.string.check((s) => {
    if (!/^[A-Za-z0-9_-]{1,512}$/.test(s)) throw new Error('not a sealed dot')
  }),
  meta: T.jsonValue as T.Validator<JsonObject>,
})
