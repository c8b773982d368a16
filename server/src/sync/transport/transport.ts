import { type ClientMessages, type FatalMessage, validationMessage } from '@opificio/shared'
import type { Server } from 'socket.io'
import type { InboundLimits } from '../../limits/inboundLimits.ts'
import type { Logger } from '../../observability/logger.ts'
import type { Metrics } from '../../observability/metrics.ts'
import { observeSocket } from '../../observability/socketObservation.ts'
import type { RoomManager } from '../rooms/roomManager.ts'
import { Connection, type Joined } from './connection.ts'
import { connectionLimits, gateConnections } from './connectionGate.ts'
import { INBOUND, type InboundRoute } from './inbound.ts'

/**
 * Binds every connection to the inbound table: each event is admitted, parsed and handled as its
 * route says, and a malformed message is answered here and nowhere else.
 */
export function attachTransport(io: Server, rooms: RoomManager, limits: InboundLimits, logger: Logger, metrics: Metrics) {
  gateConnections(io, limits, logger)
  io.on('connection', (socket) => {
    const connection = new Connection(socket, connectionLimits(socket), rooms, logger)
    observeSocket(socket, logger, metrics, () => connection.joined?.room.board.id ?? null)
    for (const event of Object.keys(INBOUND) as (keyof ClientMessages)[]) {
      socket.on(event, (raw: unknown) => void receive(connection, event, raw))
    }
    socket.on('disconnect', () => connection.leave())
  })
}

/** One message on a connection, by its route in the inbound table. */
function receive(connection: Connection, event: keyof ClientMessages, raw: unknown) {
  // Each route's parse feeds its own handle; seen from here, what passes between them is opaque.
  const route = INBOUND[event] as InboundRoute<unknown>
  if (route.joined) {
    if (connection.joined) void receiveOnBoard(connection.joined, event, raw, (m) => connection.fatal(m))
    return
  }
  if (!route.admit(connection)) return
  let parsed
  try {
    parsed = route.parse(raw)
  } catch (e) {
    return connection.fatal({ code: 'bad-request', message: `malformed ${event}: ${validationMessage(e)}` })
  }
  return route.handle(connection, parsed)
}

/** A message on a connection that has joined a board: the rest of the pipeline is the room's. */
export function receiveOnBoard(joined: Joined, event: keyof ClientMessages, raw: unknown, fatal: (message: FatalMessage) => void) {
  const route = INBOUND[event] as InboundRoute<unknown>
  if (!route.joined) return
  if (route.admit && !route.admit(joined)) return
  let parsed
  try {
    parsed = route.parse(raw, joined)
  } catch (e) {
    // A strike first: a client sending garbage is cut off before it is answered again.
    if (!joined.room.strike(joined.session) || route.malformed === 'drop') return
    return fatal({ code: 'bad-request', message: `malformed ${event}: ${validationMessage(e)}` })
  }
  return route.handle(joined, parsed)
}
