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

/** Throws when not even a seq can be read: that is not a push at all. */
export function parsePush(raw: unknown): InboundPush {
  const { seq, diff } = pushEnvelopeValidator.validate(raw)
  const checked = checkDocDiff(diff)
  return checked.ok ? { ok: true, seq, diff: checked.diff, bytes: checked.bytes } : { ok: false, seq, refusal: checked.refusal }
}
