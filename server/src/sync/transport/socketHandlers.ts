import {
  EV,
  helloValidator,
  presenceValidator,
  PROTOCOL_VERSION,
  schemaFingerprint,
  type FatalMessage,
  validationMessage,
} from '@opificio/shared'
import type { Server, Socket } from 'socket.io'
import { clientAddress } from '../../limits/clientAddress.ts'
import type { ConnectionLimits, InboundLimits } from '../../limits/inboundLimits.ts'
import type { Room, Session } from '../rooms/room.ts'
import type { RoomManager } from '../rooms/roomManager.ts'
import { boardTag } from '../../storage/boardTag.ts'
import { writerIdentity } from '../writerIdentity.ts'

const SERVER_SCHEMA = schemaFingerprint()

function fatal(socket: Socket, msg: FatalMessage) {
  socket.emit(EV.fatal, msg)
}

/** Binds each connection to one board through its hello; every later message is checked against that. */
export function attachSyncHandlers(io: Server, rooms: RoomManager, limits: InboundLimits, log: (m: string, e?: unknown) => void) {
  io.use((socket, next) => {
    const address = clientAddress(socket.conn.remoteAddress, socket.handshake.headers['x-forwarded-for'])
    const own = limits.connect(address)
    if (!own) return next(new Error('slow down: too many connections from this address'))
    socket.data.limits = own
    socket.once('disconnect', () => own.close())
    socket.conn.on('packet', (packet: { data?: unknown }) => {
      const data = packet.data
      const bytes = typeof data === 'string' ? data.length : data instanceof Uint8Array ? data.byteLength : 0
      if (own.received(bytes) || socket.disconnected) return
      log('a client sent more bytes than anyone honest could; disconnected')
      fatal(socket, { code: 'abuse', message: 'Too much data: disconnected.' })
      socket.disconnect(true)
    })
    next()
  })

  io.on('connection', (socket) => {
    const own = socket.data.limits as ConnectionLimits
    let joined: { room: Room; session: Session } | null = null
    // A later hello supersedes one still loading its room, so no session is left behind.
    let hellos = 0

    const leave = () => {
      if (!joined) return
      joined.room.leave(joined.session)
      rooms.released(joined.room)
      joined = null
    }

    socket.on(EV.hello, async (raw: unknown) => {
      if (!own.hello()) {
        fatal(socket, { code: 'slow-down', message: 'Too many connection attempts: retrying shortly.', retryAfterMs: 5000 })
        socket.disconnect(true)
        return
      }
      let hello
      try {
        hello = helloValidator.validate(raw)
      } catch (e) {
        return fatal(socket, { code: 'bad-request', message: `malformed hello: ${validationMessage(e)}` })
      }
      if (hello.protocol !== PROTOCOL_VERSION || hello.schema !== SERVER_SCHEMA) {
        return fatal(socket, { code: 'reload', message: 'Opificio has been updated: reload the page.' })
      }
      leave()
      const attempt = ++hellos
      try {
        const room = await rooms.get(hello.boardId)
        if (!room) return fatal(socket, { code: 'not-found', message: 'This board does not exist.' })
        if (socket.disconnected || attempt !== hellos) return rooms.released(room)
        const writer = writerIdentity(hello.boardId, hello.clientId)
        joined = { room, session: room.join(socket, writer, hello.lastOffset, 'participant', own) }
      } catch (e) {
        log(`hello for board ${boardTag(hello.boardId)} failed`, (e as Error).message)
        socket.disconnect(true)
      }
    })

    socket.on(EV.push, (raw: unknown) => {
      // Socket.IO flushes what a client emitted while offline before its hello: dropping it is
      // safe, the client re-sends every unacknowledged push once it is welcomed.
      if (!joined) return
      void joined.room.push(joined.session, raw)
    })

    socket.on(EV.presence, (raw: unknown) => {
      if (!joined) return
      let record: unknown
      try {
        record = presenceValidator.validate(raw).record ?? null
      } catch {
        // Presence is best-effort and ephemeral: a malformed one is simply not relayed.
        return
      }
      joined.room.setPresence(joined.session, record)
    })

    socket.on('disconnect', leave)
  })
}
