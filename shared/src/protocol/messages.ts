import type { UnknownRecord } from '@tldraw/store'
import { T } from '@tldraw/validate'
import type { BoardMeta } from '../boards/board.ts'
import type { Adjustment } from '../sync/adjustment.ts'
import type { DocDiff } from '../sync/docDiff.ts'

/** Bumped whenever a message below changes shape; a client on another version is told to reload. */
// 2: the fold resolves conflicts record by record (a client folding by the rules of 1 would diverge),
// ops may carry a ShapeContext, entries may carry adjustments.
export const PROTOCOL_VERSION = 2

/** Socket.IO event names, one per message type. */
export const EV = {
  hello: 'hello',
  push: 'push',
  presence: 'presence',
  welcome: 'welcome',
  batch: 'batch',
  fatal: 'fatal',
  saving: 'saving',
} as const

export type Role = 'participant'

const clientId = T.string.check((s) => {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(s)) throw new Error('clientId must be 8-64 letters, digits, _ or -')
})
export const boardIdValidator = T.string.check((s) => {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(s)) throw new Error('not a board id')
})
const offset = T.integer.check((n) => {
  if (n < 0) throw new Error('offset must be >= 0')
})

/** First message on every connection, and again after each reconnect. */
export interface HelloMessage {
  protocol: number
  schema: string
  boardId: string
  clientId: string
  /** The last log offset this client has folded; null for a client with nothing yet. */
  lastOffset: number | null
}
export const helloValidator: T.Validator<HelloMessage> = T.object({
  protocol: T.integer,
  schema: T.string,
  boardId: boardIdValidator,
  clientId,
  lastOffset: T.nullable(offset),
})

/** One optimistic change; (clientId, seq) makes a retry idempotent. diff is checked separately. */
export interface PushMessage {
  seq: number
  diff: DocDiff
}
export const pushValidator: T.Validator<{ seq: number; diff?: unknown }> = T.object({
  seq: T.positiveInteger,
  diff: T.unknown,
})

/** The sender's presence record (cursor, selection, name, colour), or null when it leaves. */
export interface PresenceMessage {
  record: UnknownRecord | null
}
export const presenceValidator: T.Validator<{ record?: unknown }> = T.object({ record: T.unknown })

/**
 * One position of the log as a client sees it, in offset order:
 * another client's change (d), a change of nobody's that the fold rejected (o alone),
 * this client's own push acknowledged (s) or rejected (s + r; o absent when it never entered the log).
 */
export interface WireEntry {
  o?: number
  d?: DocDiff
  s?: number
  r?: string
  /** With r: why, for a program to tell (r says it for a person). */
  c?: RefusalCode
  /** With s and no r: what the fold changed or left out of this client's push, and why (its own fold says the same). */
  a?: Adjustment[]
}

/**
 * Why a push was refused: it breaks the schema or a bound (invalid), the board has no room left
 * (board-full), or the fold could not apply it to the board as it now is (conflict).
 */
export type RefusalCode = 'invalid' | 'board-full' | 'conflict'

export interface PresenceUpdate {
  put: UnknownRecord[]
  remove: string[]
}

export interface WelcomeMessage {
  board: BoardMeta
  role: Role
  /** Offset of the last entry folded into what this message gives. */
  offset: number
  /**
   * The whole document as UTF-8 JSON (an array of records), when the client cannot catch up from
   * entries (new, or too far behind). Binary, so the server encodes it once for every client
   * joining at the same offset; read it with `welcomeRecords`.
   */
  document?: Uint8Array | ArrayBuffer
  /** Entries after the client's lastOffset, when the server still has them all. */
  entries?: WireEntry[]
  /** Highest seq of this client's that the log has seen: pushes up to it are settled. */
  settledSeq: number
  presence: UnknownRecord[]
}

export interface BatchMessage {
  entries?: WireEntry[]
  presence?: PresenceUpdate
}

/** Whether the server can make pushes durable right now; while paused, clients keep and re-send them. */
export interface SavingMessage {
  paused: boolean
  /** storage: the server cannot write; slow-down: this client sends faster than a person can. */
  reason?: 'storage' | 'slow-down'
}

/** abuse: too many refused messages; slow-down: too many connections or hellos, retry after retryAfterMs. */
export type FatalCode = 'reload' | 'not-found' | 'bad-request' | 'abuse' | 'slow-down'
export interface FatalMessage {
  code: FatalCode
  message: string
  retryAfterMs?: number
}

export function encodeWelcomeDocument(records: UnknownRecord[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(records))
}

/** The whole document a welcome carries, or undefined when it carries entries instead. */
export function welcomeRecords(welcome: WelcomeMessage): UnknownRecord[] | undefined {
  if (!welcome.document) return undefined
  return JSON.parse(new TextDecoder().decode(welcome.document)) as UnknownRecord[]
}
