import type { AckEntry, PauseReason, RejectedEntry, Role, ServerMessages } from '@opificio/shared'
import { randomBytes } from 'node:crypto'
import type { ConnectionLimits } from '../../limits/inboundLimits.ts'
import type { InboundPush } from '@opificio/shared'

/** The slice of a Socket.IO socket a room talks to: typed, so only protocol messages go out. */
export interface RoomSocket {
  /** Socket.IO's id for it: what a broadcast names it by. */
  readonly id: string
  emit<E extends keyof ServerMessages>(event: E, message: ServerMessages[E]): unknown
  volatile: { emit<E extends keyof ServerMessages>(event: E, message: ServerMessages[E]): unknown }
  disconnect(close?: boolean): unknown
}

/** One connection's place on a board: who it writes as, what it may do, what it has yet to be sent. */
export interface Session {
  socket: RoomSocket
  /** The name this connection's pushes are logged under (see writerIdentity). */
  writerId: string
  /** Who votes, for the vote box alone: never logged, never stored (see voterIdentity). */
  voterKey: string
  role: Role
  /** Stands in for the writer in presence ids, so other clients never learn it. */
  presenceId: string
  /** This connection's own pushes, acknowledged or refused, for its next batch. */
  outbox: (AckEntry | RejectedEntry)[]
  /**
   * The offset through which this session was sent entries outside the room's flushes: by its
   * welcome, or with its acks ahead of the others (Room.requestAcks). A flush sends it only what
   * comes after.
   */
  sentThrough: number
  /**
   * This session's appends, one group after another: a later seq must never be stored before an
   * earlier one, so nothing of a session goes to storage while its previous group is unsettled.
   */
  appending: Promise<void>
  /** Pushes that arrived while a group was being stored: they go to storage together next. */
  waiting: InboundPush[]
  /** The first seq whose append failed; later seqs wait for the client to re-send from it. */
  failedSeq: number | null
  /** Why the client was last told saving is paused, so it is told once per spell. */
  paused: PauseReason | null
  /** This connection's share of the node's rate limits; absent for sessions of the server's own tests. */
  limits?: ConnectionLimits
}

/** The names one connection goes by on a board, both digests of the key only its tab holds. */
export interface Identity {
  writerId: string
  voterKey: string
}

export function newSession(socket: RoomSocket, { writerId, voterKey }: Identity, role: Role, limits?: ConnectionLimits): Session {
  return {
    socket,
    writerId,
    voterKey,
    role,
    presenceId: `instance_presence:${randomBytes(9).toString('base64url')}`,
    outbox: [],
    sentThrough: 0,
    appending: Promise.resolve(),
    waiting: [],
    failedSeq: null,
    paused: null,
    limits,
  }
}
