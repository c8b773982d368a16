import type { UnknownRecord } from '@tldraw/store'
import { T } from '@tldraw/validate'
import type { RecordPatch } from '../sync/docDiff.ts'

/**
 * A person's cursor moving, the bulk of a full room's traffic, in under half the bytes of a
 * patch: four values in one flat list, `[id without its prefix, x, y, lastActivityTimestamp]`
 * per person (the time may be null, as the record allows). A patch of the cursor alone was 137 bytes of JSON, and each of 200 people's
 * 20 updates a second went to each of them (a server writing 110 MB a second at 200/10).
 */
export type CursorMoves = Array<string | number | null>

/** The prefix every presence id has; the moves leave it out. */
export const PRESENCE_ID_PREFIX = 'instance_presence:'

interface Cursor {
  x: number
  y: number
  type: unknown
  rotation: unknown
}

function cursorOf(record: UnknownRecord): Cursor | null {
  const c = (record as { cursor?: unknown }).cursor
  if (typeof c !== 'object' || c === null) return null
  const { x, y } = c as { x?: unknown; y?: unknown }
  return Number.isFinite(x) && Number.isFinite(y) ? (c as Cursor) : null
}

/**
 * The move that says all of `patch` (from `before` to `after`): null unless the patch changes
 * nothing but the cursor's position and the time of the last activity.
 */
export function cursorMove(before: UnknownRecord, after: UnknownRecord, patch: RecordPatch): CursorMoves | null {
  if (patch.unset || patch.nested || !patch.set || !after.id.startsWith(PRESENCE_ID_PREFIX)) return null
  for (const key of Object.keys(patch.set)) if (key !== 'cursor' && key !== 'lastActivityTimestamp') return null
  const from = cursorOf(before)
  const to = cursorOf(after)
  const at = (after as { lastActivityTimestamp?: unknown }).lastActivityTimestamp
  if (!from || !to || (at !== null && !Number.isFinite(at))) return null
  if (Object.keys(to).length !== 4 || from.type !== to.type || from.rotation !== to.rotation) return null
  return [after.id.slice(PRESENCE_ID_PREFIX.length), to.x, to.y, at as number | null]
}

/** Each move in a list, with its record's full id. */
export function* readMoves(moves: CursorMoves): Generator<{ id: string; x: number; y: number; at: number | null }> {
  for (let i = 0; i + 3 < moves.length; i += 4) {
    yield { id: PRESENCE_ID_PREFIX + String(moves[i]), x: moves[i + 1] as number, y: moves[i + 2] as number, at: moves[i + 3] as number | null }
  }
}

/** The list without the moves of the record `id`. */
export function withoutMovesOf(moves: CursorMoves, id: string | null): CursorMoves {
  if (id === null || !id.startsWith(PRESENCE_ID_PREFIX)) return moves
  const own = id.slice(PRESENCE_ID_PREFIX.length)
  const kept: CursorMoves = []
  for (let i = 0; i + 3 < moves.length; i += 4) if (moves[i] !== own) kept.push(moves[i], moves[i + 1], moves[i + 2], moves[i + 3])
  return kept
}

/**
 * A client's own cursor moving, as it sends it: `[x, y, lastActivityTimestamp]`. The server
 * applies it to the record it last had whole from that client, where a whole record cost it a
 * parse, two measures, the schema's check and a comparison at every step of everyone's cursor.
 */
export type OwnMove = [number, number, number | null]

export const ownMoveValidator: T.Validator<OwnMove> = T.arrayOf(T.unknown).refine((move) => {
  if (move.length !== 3 || !Number.isFinite(move[0]) || !Number.isFinite(move[1])) throw new Error('a move is a place and a time')
  if (move[2] !== null && !Number.isFinite(move[2])) throw new Error('a move holds a time or null')
  return move as OwnMove
})

/**
 * The record with the client's own move applied, or null when the record has no cursor a move
 * can go with (the record the move was made from never arrived whole).
 */
export function applyOwnMove<R extends UnknownRecord>(record: R, [x, y, at]: OwnMove): R | null {
  const cursor = cursorOf(record)
  return cursor && Object.keys(cursor).length === 4 ? applyMove(record, { x, y, at }) : null
}

/** The record with its cursor where the move puts it. */
export function applyMove<R extends UnknownRecord>(record: R, move: { x: number; y: number; at: number | null }): R {
  const cursor = (record as { cursor?: object }).cursor
  return { ...record, cursor: { ...cursor, x: move.x, y: move.y }, lastActivityTimestamp: move.at }
}

export const cursorMovesValidator: T.Validator<CursorMoves> = T.arrayOf(T.unknown).check((list) => {
  if (list.length % 4 !== 0) throw new Error('moves come in fours')
  for (let i = 0; i < list.length; i += 4) {
    if (typeof list[i] !== 'string') throw new Error('a move starts with an id')
    if (!Number.isFinite(list[i + 1]) || !Number.isFinite(list[i + 2])) throw new Error('a move holds a place')
    if (list[i + 3] !== null && !Number.isFinite(list[i + 3])) throw new Error('a move holds a time or null')
  }
}) as T.Validator<CursorMoves>
