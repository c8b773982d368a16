import { checkDocDiff } from '../sync/checkDocDiff.ts'
import type { DocDiff } from '../sync/docDiff.ts'
import { pushEnvelopeValidator } from './messages.ts'
import type { Refusal } from './refusal.ts'

/**
 * A push as the server's pipeline takes it: parsed whole (its diff checked record by record
 * against the schema and the bounds), or refused by its seq, so the client rolls back that one
 * change and the connection stays up.
 */
export type InboundPush = { ok: true; seq: number; diff: DocDiff; bytes: number } | { ok: false; seq: number; refusal: Refusal }

/**
 * How many pushes a client has on their way unacknowledged before it holds the next change back
 * and folds what follows into it. Against a server slow to store (a busy loop, a slow disk), a
 * dragging client then sends the shape's latest place as often as the server takes pushes, and
 * the server never queues more than this of one client's pushes; at 30 pushes a second, 4 cover
 * a round trip of 130 ms before a remote participant's drag is thinned.
 */
export const MAX_UNACKED_PUSHES = 4

/** Throws when not even a seq can be read: that is not a push at all. */
export function parsePush(raw: unknown): InboundPush {
  const { seq, diff } = pushEnvelopeValidator.validate(raw)
  const checked = checkDocDiff(diff)
  return checked.ok ? { ok: true, seq, diff: checked.diff, bytes: checked.bytes } : { ok: false, seq, refusal: checked.refusal }
}
