import { withoutMovesOf } from './cursorMoves.ts'
import type { AckEntry, BatchMessage, ChangeEntry, NoopEntry, PresenceUpdate, RejectedEntry, WireEntry } from './messages.ts'

/**
 * What a flush sends every client of a board alike: the entries as anyone else sees them and the
 * presence that changed. Encoded once per flush however many clients there are (see BatchFrame).
 */
export interface SharedBatch {
  entries?: (ChangeEntry | NoopEntry)[]
  presence?: PresenceUpdate
}

/**
 * A batch as it travels. Every client whose own pushes are not in a flush gets the same frame,
 * `{ shared }`, which the server broadcasts: encoded once, framed once, written to each socket
 * as is, so a room of 200 costs one encoding, not 200, and one write per client. A client whose
 * pushes are in it gets its own acks or refusals beside the shared part: they stand in for the
 * shared entry at their offset (refusals on arrival have no offset). Read with `readBatch`.
 */
export interface BatchFrame {
  shared?: SharedBatch
  own?: (AckEntry | RejectedEntry)[]
}

/**
 * The batch a client applies: refusals on arrival first (they never entered the log), then the
 * shared entries in offset order with this client's own acks and refusals in their place; and
 * the presence of everyone but this client (the shared part carries everyone's). Throws when
 * the shared part is not a SharedBatch, as a malformed message.
 */
export function readBatch(frame: BatchFrame, ownPresenceId: string | null): BatchMessage {
  const shared = frame.shared ?? {}
  const unlogged: WireEntry[] = []
  const byOffset = new Map<number, WireEntry>()
  for (const e of shared.entries ?? []) byOffset.set(e.offset, e)
  for (const e of frame.own ?? []) {
    if (e.offset === undefined) unlogged.push(e)
    else byOffset.set(e.offset, e)
  }
  const batch: BatchMessage = {}
  const entries = [...unlogged, ...[...byOffset.values()].sort((a, b) => a.offset! - b.offset!)]
  if (entries.length > 0) batch.entries = entries
  if (shared.presence) {
    const put = shared.presence.put.filter((r) => r.id !== ownPresenceId)
    const remove = shared.presence.remove.filter((id) => id !== ownPresenceId)
    const changed = (shared.presence.changed ?? []).filter((c) => c.id !== ownPresenceId)
    const moved = withoutMovesOf(shared.presence.moved ?? [], ownPresenceId)
    if (put.length > 0 || remove.length > 0 || changed.length > 0 || moved.length > 0) {
      batch.presence = { put, remove, ...(changed.length > 0 ? { changed } : {}), ...(moved.length > 0 ? { moved } : {}) }
    }
  }
  return batch
}
