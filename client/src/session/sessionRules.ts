import { ROLES, type Role, type SessionRecord } from '@opificio/shared'

/**
 * What the live session means for a role on this page. The server enforces it (it refuses a
 * participant's changes while the session is ended, and anyone's controls but a facilitator's);
 * this only decides what the page shows and offers.
 */
export interface SessionAccess {
  /** The facilitator's panel: phase, summon, cursors, shared view, timer, end and reopen. */
  controls: boolean
  /** The session is ended and this role may not change the board: the editor is read-only. */
  endedReadonly: boolean
  /** The "session closed" banner. */
  endedBanner: boolean
  /** The facilitator shows a view to everyone and this page may not choose its own. */
  viewLocked: boolean
}

export function sessionAccess(role: Role | null, session: Pick<SessionRecord, 'ended' | 'highlight'>): SessionAccess {
  const facilitator = role === 'facilitator'
  return {
    controls: facilitator,
    endedReadonly: session.ended && !facilitator,
    // The projector shows the board to the room: no banner over it.
    endedBanner: session.ended && role === 'participant',
    viewLocked: session.highlight !== null && !facilitator,
  }
}

/** The role the server put in a person's presence (clients cannot set it), if it is one this page knows. */
export function presenceRole(meta: unknown): Role | null {
  const role = (meta as { role?: unknown } | undefined)?.role
  return ROLES.find((r) => r === role) ?? null
}
