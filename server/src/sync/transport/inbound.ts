import {
  ballotValidator,
  controlValidator,
  helloValidator,
  parsePush,
  presenceEnvelopeValidator,
  PROTOCOL_VERSION,
  schemaFingerprint,
  type BallotMessage,
  type ClientMessages,
  type ControlMessage,
  type HelloMessage,
  type InboundPush,
  type OwnMove,
} from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import type { Connection, Joined } from './connection.ts'
import { presenceForRelay } from './presenceRecord.ts'

const SERVER_SCHEMA = schemaFingerprint()

/** What each handler is given: the message parsed whole. */
interface Parsed {
  hello: HelloMessage | 'reload'
  push: InboundPush
  presence: { record: UnknownRecord | null } | { move: OwnMove }
  control: ControlMessage
  ballot: BallotMessage
}

/** How one kind of client message enters. */
export type InboundRoute<P> =
  | {
      /** Before a hello has joined a board: the connection has no session yet. */
      joined: false
      admit(connection: Connection): boolean
      parse(raw: unknown): P
      /** fatal: answered with a bad-request; drop: dropped with a strike (best-effort messages). */
      malformed: 'fatal'
      handle(connection: Connection, parsed: P): unknown
    }
  | {
      /** Dropped unread until the connection has joined: Socket.IO flushes what a client sent offline before its hello, and the client re-sends what matters once welcomed. */
      joined: true
      /** Cheap checks before any parsing (rate limits); false drops the message, admit itself answers. */
      admit?(joined: Joined): boolean
      parse(raw: unknown, joined: Joined): P
      malformed: 'fatal' | 'drop'
      handle(joined: Joined, parsed: P): unknown
    }

/**
 * The inbound pipeline's first step, in one table: every event a client may send, its validator
 * (from shared/) and its handler. This is the only place raw input is read; a handler is given
 * its message parsed whole. The next steps: access (Connection.hello → access.ts), authorize
 * (authorize.ts, in Room.accept), append (Room.append, through the storage sequencer); then
 * tail, fold and fan-out (Room.onEntries, Room.flush).
 */
export const INBOUND: { [E in keyof ClientMessages]: InboundRoute<Parsed[E]> } = {
  hello: {
    joined: false,
    admit: (c) => c.admitHello(),
    parse: (raw) => {
      const hello = helloValidator.validate(raw)
      // Another deploy's client is well-formed but cannot join: it is told to reload.
      return hello.protocol !== PROTOCOL_VERSION || hello.schema !== SERVER_SCHEMA ? 'reload' : hello
    },
    malformed: 'fatal',
    handle: (c, hello) => c.hello(hello),
  },
  push: {
    joined: true,
    parse: (raw) => parsePush(raw),
    malformed: 'fatal',
    handle: ({ room, session }, push) => room.push(session, push),
  },
  presence: {
    joined: true,
    // Presence is ephemeral and the next update supersedes this one: dropping it is harmless.
    admit: ({ room, session }) => {
      // A projector is a screen, not a person: it has no cursor, and no place in the list of who is there.
      if (session.role === 'projector') return false
      if (session.limits?.presence() ?? true) return true
      room.strike(session)
      return false
    },
    parse: (raw, { session }) => {
      const message = presenceEnvelopeValidator.validate(raw)
      if ('move' in message) return message
      if (message.record === null) return { record: null }
      // Stamped with the server-made id: nobody can pose as another person's cursor.
      const checked = presenceForRelay(message.record, session.presenceId, session.role)
      if (!checked.ok) throw new Error(checked.reason)
      return { record: checked.record }
    },
    malformed: 'drop',
    handle: ({ room, session }, message) =>
      'move' in message ? room.movePresence(session, message.move) : room.setPresence(session, message.record),
  },
  control: {
    joined: true,
    parse: (raw) => controlValidator.validate(raw),
    malformed: 'fatal',
    // Authorized in the room: only a facilitator's controls are written.
    handle: ({ room, session }, control) => room.control(session, control),
  },
  ballot: {
    joined: true,
    parse: (raw) => ballotValidator.validate(raw),
    malformed: 'fatal',
    // Who may vote, and on what, is the room's to say: it knows the open votes.
    handle: ({ room, session }, ballot) => room.ballot(session, ballot),
  },
}
