import type { BaseRecord, RecordId } from '@tldraw/store'
import type { JsonObject } from '@tldraw/utils'
import { T } from '@tldraw/validate'

export const SESSION_RECORD_ID = 'session:board' as RecordId<SessionRecord>

/** Where the facilitator brings everyone: an area of a page, numbered so each summon is told once. */
export interface Summon {
  n: number
  pageId: string
  x: number
  y: number
  w: number
  h: number
}

/**
 * A countdown everyone sees alike. Times are the server's clock: a client corrects by the offset
 * its welcome measured, so phones with wrong clocks still agree within a second.
 */
export interface Timer {
  state: 'stopped' | 'running' | 'paused'
  /** When it reaches zero (server clock, ms), while running. */
  endsAt: number
  /** What is left, while paused; what it was set to, while stopped. */
  remainingMs: number
}

/**
 * The live session on a board: the facilitator's controls, shared with everyone. Written only by
 * the server, in its own name, on a facilitator's request (a `control` message): no client writes
 * it, so no client can forge a phase change or stop someone else's timer.
 */
export interface SessionRecord extends BaseRecord<'session', RecordId<SessionRecord>> {
  /** The current phase (1, 2, 3), or null before the first. */
  phase: number | null
  /** The session is over: participants see the board read-only until the facilitator reopens it. */
  ended: boolean
  /** Everyone's cursors hidden, for a large group. */
  cursorsHidden: boolean
  /** The facilitator's Evidenzia shown to everyone, or null (each person chooses their own). */
  highlight: string | null
  summon: Summon | null
  timer: Timer
  /** A snapshot the facilitator shows on the projector instead of the live board; absent or null for none. */
  showing?: string | null
  meta: JsonObject
}

export const SESSION_DEFAULTS: Omit<SessionRecord, 'id' | 'typeName' | 'meta'> = {
  phase: null,
  ended: false,
  cursorsHidden: false,
  highlight: null,
  summon: null,
  timer: { state: 'stopped', endsAt: 0, remainingMs: 0 },
}

/** The session as it stands: the record if the board has one, the defaults otherwise. */
export function sessionOf(get: (id: string) => unknown): SessionRecord {
  return (get(SESSION_RECORD_ID) as SessionRecord | undefined) ?? { ...SESSION_DEFAULTS, id: SESSION_RECORD_ID, typeName: 'session', meta: {} }
}

/** A countdown of at most 3 hours: a session is a morning, not a week. */
export const TIMER_MAX_MS = 3 * 60 * 60 * 1000

const finite = T.number.check((n) => {
  if (!Number.isFinite(n)) throw new Error('must be a finite number')
})
const ms = T.integer.check((n) => {
  if (n < 0 || n > 2 ** 47) throw new Error('out of range')
})
const shortId = T.string.check((s) => {
  if (s.length === 0 || s.length > 128) throw new Error('must be 1 to 128 characters')
})

/** A saved snapshot's id (server-made), or an automatic one's (`auto-<offset>`). */
export const snapshotIdValidator = T.string.check((s) => {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(s)) throw new Error('not a snapshot id')
})

/** Where a summon goes: an area of a page. */
export const summonTargetValidator = T.object({
  pageId: shortId.check((s) => {
    if (!s.startsWith('page:')) throw new Error('not a page id')
  }),
  x: finite,
  y: finite,
  w: finite.check((n) => {
    if (n <= 0) throw new Error('must be positive')
  }),
  h: finite.check((n) => {
    if (n <= 0) throw new Error('must be positive')
  }),
})

export const summonValidator: T.Validator<Summon> = summonTargetValidator.extend({ n: T.positiveInteger })

export const timerValidator: T.Validator<Timer> = T.object({
  state: T.literalEnum('stopped', 'running', 'paused'),
  endsAt: ms,
  remainingMs: ms.check((n) => {
    if (n > TIMER_MAX_MS) throw new Error('longer than 3 hours')
  }),
})

export const sessionRecordValidator: T.Validator<SessionRecord> = T.object({
  id: T.string.check((s) => {
    if (s !== SESSION_RECORD_ID) throw new Error(`a board's session is ${SESSION_RECORD_ID}`)
  }) as unknown as T.Validator<RecordId<SessionRecord>>,
  typeName: T.literal('session'),
  phase: T.nullable(
    T.integer.check((n) => {
      if (n < 1 || n > 9) throw new Error('a phase is 1 to 9')
    })
  ),
  ended: T.boolean,
  cursorsHidden: T.boolean,
  highlight: T.nullable(shortId),
  summon: T.nullable(summonValidator),
  timer: timerValidator,
  showing: T.nullable(snapshotIdValidator).optional(),
  meta: T.jsonValue as T.Validator<JsonObject>,
})
