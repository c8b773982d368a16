import type { UnknownRecord } from '@tldraw/store'
import { T } from '@tldraw/validate'
import type { BoardMeta, Role } from '../boards/board.ts'
import type { Adjustment } from '../sync/adjustment.ts'
import type { DocDiff, RecordPatch } from '../sync/docDiff.ts'
import type { BatchFrame, SharedBatch } from './batchFrame.ts'
import { type CursorMoves, cursorMovesValidator, type OwnMove, ownMoveValidator } from './cursorMoves.ts'
import { type Refusal, refusalValidator } from './refusal.ts'
import { snapshotIdValidator, type Summon, summonTargetValidator, TIMER_MAX_MS } from '../session/sessionRecord.ts'
import { dotCount, voteIdValidator, voteTargets, voteTargetValidator } from '../session/voteRecords.ts'

/**
 * The wire protocol: every message in each direction is one case of a union keyed by its
 * Socket.IO event name, with the validator its receiver runs on it.
 */

/** Bumped whenever a message below changes shape; a client on another version is told to reload. */
// 2: the fold resolves conflicts record by record, ops may carry a ShapeContext, entries adjustments.
// 3: batch entries are tagged by kind; refusals are codes with params.
// 4: role links: a hello carries its link's token, roles are facilitator, participant, projector;
//    facilitators' control messages; welcomes carry the server's time.
// 5: welcomes say how long the server held the hello; the fold keeps dots off closed votes.
// 6: a batch is a frame: a part shared by every client, encoded once per flush, and the client's
//    own acks and refusals beside it; welcomes tell a client its presence id.
// 7: the shared part is JSON in the frame, not bytes beside it: one WebSocket frame per client.
// 8: a welcome with the whole document tells the client what the fold adjusted or refused of its
//    recent pushes (`told`).
// 9: presence carries cursor moves as four values each (`moved`), not as patches.
// 10: a client sends its own cursor moving as three values (`move`), not its record whole.
export const PROTOCOL_VERSION = 10

/** Socket.IO event names, one per message type. */
export const EV = {
  hello: 'hello',
  push: 'push',
  presence: 'presence',
  control: 'control',
  ballot: 'ballot',
  welcome: 'welcome',
  batch: 'batch',
  fatal: 'fatal',
  saving: 'saving',
  refused: 'refused',
  dots: 'dots',
} as const

const clientId = T.string.check((s) => {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(s)) throw new Error('clientId must be 8-64 letters, digits, _ or -')
})
export const boardIdValidator = T.string.check((s) => {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(s)) throw new Error('not a board id')
})
const offset = T.integer.check((n) => {
  if (n < 0) throw new Error('offset must be >= 0')
})
const token = T.string.check((s) => {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(s)) throw new Error('not a link token')
})
/** Anything that is a JSON object; what is inside is checked by the message's own parser. */
const object = T.unknown.check((v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('must be an object')
}) as T.Validator<Record<string, unknown>>

// ─── Client to server ────────────────────────────────────────────────────────────────────────

/** First message on every connection, and again after each reconnect. */
export interface HelloMessage {
  protocol: number
  schema: string
  boardId: string
  /** The secret of the link the person came in by; absent for a plain board link. */
  token?: string
  clientId: string
  /** The last log offset this client has folded; null for a client with nothing yet. */
  lastOffset: number | null
}
export const helloValidator: T.Validator<HelloMessage> = T.object({
  protocol: T.integer,
  schema: T.string,
  boardId: boardIdValidator,
  token: token.optional(),
  clientId,
  lastOffset: T.nullable(offset),
})

/**
 * One optimistic change; (clientId, seq) makes a retry idempotent. The validator checks the
 * envelope; the diff is checked by `checkDocDiff`, so a bad diff is refused by its seq.
 */
export interface PushMessage {
  seq: number
  diff: DocDiff
}
export const pushEnvelopeValidator: T.Validator<{ seq: number; diff?: unknown }> = T.object({
  seq: T.nonZeroInteger,
  diff: T.unknown,
})

/**
 * The sender's presence record (cursor, selection, name, colour), or null when it leaves; or, when
 * only its cursor moved, the move, applied to the record the server last had whole from it.
 */
export type PresenceMessage = { record: UnknownRecord | null } | { move: OwnMove }
export const presenceEnvelopeValidator: T.Validator<{ record: Record<string, unknown> | null } | { move: OwnMove }> = T.object({
  record: T.nullable(object).optional(),
  move: ownMoveValidator.optional(),
}).check((m) => {
  if (('record' in m && m.record !== undefined) === ('move' in m && m.move !== undefined)) throw new Error('presence holds a record or a move')
}) as T.Validator<{ record: Record<string, unknown> | null } | { move: OwnMove }>

/**
 * A facilitator's control of the live session. The server checks the role, then writes the
 * board's session record in its own name, so every node and client gets it through the log.
 */
export type ControlMessage =
  | { action: 'phase'; phase: number | null }
  | { action: 'end' }
  | { action: 'reopen' }
  | { action: 'cursors'; hidden: boolean }
  | { action: 'highlight'; view: string | null }
  | { action: 'summon'; to: Omit<Summon, 'n'> }
  | { action: 'timer-start'; ms: number }
  | { action: 'timer-extend'; ms: number }
  | { action: 'timer-pause' }
  | { action: 'timer-resume' }
  | { action: 'timer-stop' }
  | { action: 'vote-open'; targets: string[]; dots: number }
  | { action: 'vote-close'; voteId: string }
  | { action: 'vote-reveal'; voteId: string }
  /** Shows a snapshot on the projector instead of the live board, or (null) the board again. */
  | { action: 'show-snapshot'; id: string | null }
  /** Shows or hides a revealed vote's counts on the elements; the results stay on the board either way. */
  | { action: 'vote-results'; voteId: string; shown: boolean }

const timerMs = T.integer.check((n) => {
  if (n < 1000 || n > TIMER_MAX_MS) throw new Error('a timer is 1 second to 3 hours')
})
export const controlValidator: T.Validator<ControlMessage> = T.union('action', {
  phase: T.object({
    action: T.literal('phase'),
    phase: T.nullable(
      T.integer.check((n) => {
        if (n < 1 || n > 9) throw new Error('a phase is 1 to 9')
      })
    ),
  }),
  end: T.object({ action: T.literal('end') }),
  reopen: T.object({ action: T.literal('reopen') }),
  cursors: T.object({ action: T.literal('cursors'), hidden: T.boolean }),
  highlight: T.object({
    action: T.literal('highlight'),
    view: T.nullable(
      T.string.check((s) => {
        if (s.length === 0 || s.length > 128) throw new Error('a view is 1 to 128 characters')
      })
    ),
  }),
  summon: T.object({ action: T.literal('summon'), to: summonTargetValidator }),
  'timer-start': T.object({ action: T.literal('timer-start'), ms: timerMs }),
  'timer-extend': T.object({ action: T.literal('timer-extend'), ms: timerMs }),
  'timer-pause': T.object({ action: T.literal('timer-pause') }),
  'timer-resume': T.object({ action: T.literal('timer-resume') }),
  'timer-stop': T.object({ action: T.literal('timer-stop') }),
  'vote-open': T.object({ action: T.literal('vote-open'), targets: voteTargets, dots: dotCount }),
  'vote-close': T.object({ action: T.literal('vote-close'), voteId: voteIdValidator }),
  'vote-reveal': T.object({ action: T.literal('vote-reveal'), voteId: voteIdValidator }),
  'show-snapshot': T.object({ action: T.literal('show-snapshot'), id: T.nullable(snapshotIdValidator) }),
  'vote-results': T.object({ action: T.literal('vote-results'), voteId: voteIdValidator, shown: T.boolean }),
}) as T.Validator<ControlMessage>

/** A person placing or taking back one of their dots in an open vote. */
export interface BallotMessage {
  voteId: string
  target: string
  op: 'add' | 'remove'
}
export const ballotValidator: T.Validator<BallotMessage> = T.object({
  voteId: voteIdValidator,
  target: voteTargetValidator,
  op: T.literalEnum('add', 'remove'),
})

/** Where this person's own dots are in a vote: told only to them, and kept by no one else. */
export interface MyDotsMessage {
  voteId: string
  mine: Record<string, number>
  left: number
}

/** What a client sends, by event. */
export interface ClientMessages {
  hello: HelloMessage
  push: PushMessage
  presence: PresenceMessage
  control: ControlMessage
  ballot: BallotMessage
}
export type ClientMessage = { [E in keyof ClientMessages]: { event: E; message: ClientMessages[E] } }[keyof ClientMessages]

// ─── Server to client ────────────────────────────────────────────────────────────────────────

/** One position of the log as a client sees it, in offset order. */
export type WireEntry = ChangeEntry | NoopEntry | AckEntry | RejectedEntry

/** Somebody else's change (another person's, or the server's own), to fold. */
export interface ChangeEntry {
  kind: 'change'
  offset: number
  diff: DocDiff
}
/** A position that changes nothing here: somebody else's entry the fold refused. */
export interface NoopEntry {
  kind: 'noop'
  offset: number
}
/** This client's push, stored at `offset`; `adjusted` says what the fold changed or left out of it. */
export interface AckEntry {
  kind: 'ack'
  offset: number
  seq: number
  adjusted?: Adjustment[]
}
/**
 * This client's push, refused: the client rolls it back and says why. `offset` is absent when it
 * never entered the log (refused on arrival), present when the fold refused it in order.
 */
export interface RejectedEntry {
  kind: 'rejected'
  seq: number
  offset?: number
  refusal: Refusal
}

export interface PresenceUpdate {
  put: UnknownRecord[]
  remove: string[]
  /**
   * Records the client was sent whole before, with only what changed since: a moving cursor
   * costs its cursor, not the whole record. A client without the record skips its patch; the
   * record comes whole again within seconds (see server/src/sync/rooms/presence.ts).
   */
  changed?: PresencePatch[]
  /** Records the client was sent whole before whose cursor alone moved (cursorMoves.ts). */
  moved?: CursorMoves
}

export interface PresencePatch {
  id: string
  patch: RecordPatch
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
  /**
   * With the whole document: this client's recent entries that the fold adjusted or refused, as
   * acks and refusals. The document settles the pushes they answer without their acks, and the
   * person is still to be told what became of them.
   */
  told?: (AckEntry | RejectedEntry)[]
  presence: UnknownRecord[]
  /** This client's own presence record's id: batches carry everyone's presence, this one's included. */
  presenceId: string
  /** The server's clock when it sent this (ms): clients measure their offset from it, for the timer. */
  serverTime: number
  /**
   * How long the server held the hello before this answer (loading the board): the rest of the
   * round trip is the network's, half of it on the way back.
   */
  heldMs: number
}

/** A batch as a client applies it, read from the BatchFrame that carried it (`readBatch`). */
export interface BatchMessage {
  entries?: WireEntry[]
  presence?: PresenceUpdate
}

/** Whether the server can make pushes durable right now; while paused, clients keep and re-send them. */
export interface SavingMessage {
  paused: boolean
  /** storage: the server cannot write; slow-down: this client sends faster than a person can. */
  reason?: PauseReason
}
export type PauseReason = 'storage' | 'slow-down'

/**
 * not-found: the link opens no board (no such board, or not its token: the two are not told
 * apart); link-replaced: the facilitator replaced the link this session came in by; abuse: too
 * many refused messages; slow-down: too many connections or hellos, retry after retryAfterMs.
 */
export type FatalCode = 'reload' | 'not-found' | 'link-replaced' | 'bad-request' | 'abuse' | 'slow-down'
export interface FatalMessage {
  code: FatalCode
  /** For logs and developer tools; a screen shows the code's own translated text. */
  message: string
  retryAfterMs?: number
}

/** A message other than a push that the server refused: the person is told why, nothing changed. */
export interface RefusedMessage {
  event: 'control' | 'ballot'
  refusal: Refusal
}

/** What the server sends, by event. */
export interface ServerMessages {
  welcome: WelcomeMessage
  batch: BatchFrame
  saving: SavingMessage
  fatal: FatalMessage
  refused: RefusedMessage
  dots: MyDotsMessage
}
export type ServerMessage = { [E in keyof ServerMessages]: { event: E; message: ServerMessages[E] } }[keyof ServerMessages]

const positive = T.nonZeroInteger
const diff = object as unknown as T.Validator<DocDiff>
const record = object as unknown as T.Validator<UnknownRecord>
const adjustment = T.object({ id: T.string, what: T.string, reason: T.string }) as unknown as T.Validator<Adjustment>

const change = T.object({ kind: T.literal('change'), offset: positive, diff })
const noop = T.object({ kind: T.literal('noop'), offset: positive })
const ack = T.object({ kind: T.literal('ack'), offset: positive, seq: positive, adjusted: T.arrayOf(adjustment).optional() })
const rejected = T.object({ kind: T.literal('rejected'), seq: positive, offset: positive.optional(), refusal: refusalValidator })
export const wireEntryValidator: T.Validator<WireEntry> = T.union('kind', { change, noop, ack, rejected })

const boardMeta: T.Validator<BoardMeta> = T.object({ id: T.string, title: T.string, createdAt: T.string })
const fieldPatch = T.object({ set: T.dict(T.string, T.unknown).optional(), unset: T.arrayOf(T.string).optional() })
const recordPatch: T.Validator<RecordPatch> = T.object({
  set: T.dict(T.string, T.unknown).optional(),
  unset: T.arrayOf(T.string).optional(),
  nested: T.object({ props: fieldPatch.optional(), meta: fieldPatch.optional() }).optional(),
})
const presenceUpdate = T.object({
  put: T.arrayOf(record),
  remove: T.arrayOf(T.string),
  changed: T.arrayOf(T.object({ id: T.string, patch: recordPatch })).optional(),
  moved: cursorMovesValidator.optional(),
})
/** What a batch frame's shared part must decode to. */
export const sharedBatchValidator: T.Validator<SharedBatch> = T.object({
  entries: T.arrayOf(T.union('kind', { change, noop })).optional(),
  presence: presenceUpdate.optional(),
})
const bytes = T.unknown.check((v) => {
  if (!(v instanceof Uint8Array) && !(v instanceof ArrayBuffer)) throw new Error('must be binary')
}) as T.Validator<Uint8Array | ArrayBuffer>

/** The validators the client runs on every message, by event: what the server may send. */
export const serverMessageValidators: { [E in keyof ServerMessages]: T.Validator<ServerMessages[E]> } = {
  welcome: T.object({
    board: boardMeta,
    role: T.literalEnum('facilitator', 'participant', 'projector'),
    offset,
    document: bytes.optional(),
    entries: T.arrayOf(wireEntryValidator).optional(),
    settledSeq: offset,
    told: T.arrayOf(T.union('kind', { ack, rejected })).optional(),
    presence: T.arrayOf(record),
    presenceId: T.string,
    serverTime: T.number,
    heldMs: T.number,
  }),
  batch: T.object({ shared: sharedBatchValidator.optional(), own: T.arrayOf(T.union('kind', { ack, rejected })).optional() }),
  saving: T.object({ paused: T.boolean, reason: T.literalEnum('storage', 'slow-down').optional() }),
  fatal: T.object({
    code: T.literalEnum('reload', 'not-found', 'link-replaced', 'bad-request', 'abuse', 'slow-down'),
    message: T.string,
    retryAfterMs: T.positiveInteger.optional(),
  }),
  refused: T.object({ event: T.literalEnum('control', 'ballot'), refusal: refusalValidator }),
  dots: T.object({ voteId: voteIdValidator, mine: T.dict(voteTargetValidator, T.positiveInteger), left: T.positiveInteger }),
}

/** Typed Socket.IO events, so an emit or a listener of the wrong shape does not compile. */
export type ClientToServerEvents = { [E in keyof ClientMessages]: (message: ClientMessages[E]) => void }
export type ServerToClientEvents = { [E in keyof ServerMessages]: (message: ServerMessages[E]) => void }

export function encodeWelcomeDocument(records: UnknownRecord[]): Uint8Array {
  return welcomeDocumentOf(records.map(recordJson))
}

const utf8 = new TextEncoder()

/** A record as a welcome's document holds it: its JSON, in UTF-8. */
export function recordJson(record: UnknownRecord): Uint8Array {
  return utf8.encode(JSON.stringify(record))
}

/**
 * The document a welcome carries, from each record's JSON (a server keeps them, so a join does
 * not serialize the board again). Copied as bytes: joining the strings and encoding them took
 * longer than the rest of a join of a large board.
 */
export function welcomeDocumentOf(records: Uint8Array[]): Uint8Array {
  return joinBytes(utf8.encode('['), records, utf8.encode(','), utf8.encode(']'))
}

/** `head`, the parts with `separator` between them, and `tail`, copied into one array. */
export function joinBytes(head: Uint8Array, parts: Uint8Array[], separator: Uint8Array, tail: Uint8Array): Uint8Array {
  let length = head.byteLength + tail.byteLength + Math.max(0, parts.length - 1) * separator.byteLength
  for (const part of parts) length += part.byteLength
  const out = new Uint8Array(length)
  out.set(head, 0)
  let at = head.byteLength
  parts.forEach((part, i) => {
    if (i > 0) {
      out.set(separator, at)
      at += separator.byteLength
    }
    out.set(part, at)
    at += part.byteLength
  })
  out.set(tail, at)
  return out
}

/** The whole document a welcome carries, or undefined when it carries entries instead. */
export function welcomeRecords(welcome: WelcomeMessage): UnknownRecord[] | undefined {
  if (!welcome.document) return undefined
  return JSON.parse(new TextDecoder().decode(welcome.document)) as UnknownRecord[]
}
