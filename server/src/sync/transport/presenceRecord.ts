import { boardSchema, LIMITS, measureJson, type Role, validationMessage } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'

/** Room enough before trimming for an honest select-all of a full board's worth of ids. */
const RAW_PRESENCE_BYTES = 512 * 1024

export type PresenceCheck = { ok: true; record: UnknownRecord } | { ok: false; reason: string }

/**
 * A client's presence record as the room relays it: bounded, trimmed to what others need to see,
 * and stripped of anything that identifies the client beyond this one connection: the server
 * sets the ids, so nobody can learn, or pose as, another person's client.
 */
export function presenceForRelay(raw: unknown, presenceId: string, role: Role): PresenceCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'presence must be an object' }
  const measured = measureJson(raw, { maxDepth: LIMITS.presenceDepth, maxBytes: RAW_PRESENCE_BYTES })
  if (!measured.ok) return { ok: false, reason: `presence is ${measured.reason}` }
  const r = raw as Record<string, unknown>
  const trimmed = {
    ...r,
    id: presenceId,
    userId: `user:${presenceId.slice(presenceId.indexOf(':') + 1)}`,
    userName: typeof r.userName === 'string' ? r.userName.slice(0, LIMITS.presenceNameLength) : r.userName,
    chatMessage: typeof r.chatMessage === 'string' ? r.chatMessage.slice(0, LIMITS.presenceChatLength) : r.chatMessage,
    selectedShapeIds: Array.isArray(r.selectedShapeIds) ? r.selectedShapeIds.slice(0, LIMITS.presenceSelection) : r.selectedShapeIds,
    // Would name another person's client; following is the server's business (summon, follow).
    followingUserId: null,
    // Said by the server, not the client: a projector follows the facilitator, and the list of
    // who is there shows each person's role.
    meta: { role },
  }
  let record: UnknownRecord
  try {
    record = boardSchema.types.instance_presence.validate(trimmed) as UnknownRecord
  } catch (e) {
    return { ok: false, reason: `invalid presence: ${validationMessage(e)}` }
  }
  const size = measureJson(record, { maxDepth: LIMITS.presenceDepth, maxBytes: LIMITS.presenceBytes })
  if (!size.ok) return { ok: false, reason: `presence is ${size.reason}` }
  return { ok: true, record }
}
