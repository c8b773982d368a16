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
import type { Room, Session } from '../rooms/room.ts'
import type { RoomManager } from '../rooms/roomManager.ts'

const SERVER_SCHEMA = schemaFingerprint()

function fatal(socket: Socket, msg: FatalMessage) {
  socket.emit(EV.fatal, msg)
}

/** Binds each connection to one board through its hello; every later message is checked against that. */
export function attachSyncHandlers(io: Server, rooms: RoomManager, log: (m: string, e?: unknown) => void) {
  io.on('connection', (socket) => {
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
        joined = { room, session: room.join(socket, hello.clientId, hello.lastOffset, 'participant') }
      } catch (e) {
        log(`hello for board ${hello.boardId} failed`, (e as Error).message)
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
      try {
        joined.room.setPresence(joined.session, presenceValidator.validate(raw).record ?? null)
      } catch {
        // Presence is best-effort and ephemeral: a malformed one is simply not relayed.
      }
    })

    socket.on('disconnect', leave)
  })
}
