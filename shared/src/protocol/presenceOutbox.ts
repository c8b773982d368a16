import type { UnknownRecord } from '@tldraw/store'
import { diffRecord } from '../sync/docDiff.ts'
import { cursorMove } from './cursorMoves.ts'
import type { PresenceMessage } from './messages.ts'

/**
 * How often a client sends its record whole while only its cursor moves. A whole record the
 * server dropped (over the connection's rate) is one the moves after it cannot carry the rest of:
 * the next whole one puts it right within this time.
 */
export const OWN_WHOLE_EVERY_MS = 2000
/** How long a cursor stands still after a move before its record goes whole, the same repair for a cursor that stopped. */
export const OWN_STILL_MS = 500

/**
 * What a client sends of its own presence, one record after another: the record whole when it is
 * the first on this connection, when anything but the cursor's place and the time changed, or
 * when it last went whole OWN_WHOLE_EVERY_MS ago; otherwise only the move.
 */
export class PresenceOutbox {
  private last: UnknownRecord | null = null
  private wholeAt = Number.NEGATIVE_INFINITY

  /** `whole`: the record whole whatever changed (the cursor stood still OWN_STILL_MS after a move). */
  next(record: UnknownRecord | null, now: number, whole = false): PresenceMessage {
    const last = this.last
    this.last = record
    if (!whole && record && last && now - this.wholeAt < OWN_WHOLE_EVERY_MS) {
      const patch = diffRecord(last, record)
      const move = patch && cursorMove(last, record, patch)
      if (move) return { move: [move[1] as number, move[2] as number, move[3] as number | null] }
    }
    this.wholeAt = now
    return { record }
  }

  /** A new connection: the server has nothing of this client's yet. */
  reset() {
    this.last = null
    this.wholeAt = Number.NEGATIVE_INFINITY
  }
}
