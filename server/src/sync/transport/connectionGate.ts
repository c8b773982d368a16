import type { Server, Socket } from 'socket.io'
import { clientAddress } from '../../limits/clientAddress.ts'
import type { ConnectionLimits, InboundLimits } from '../../limits/inboundLimits.ts'
import type { Logger } from '../../observability/logger.ts'

/**
 * Before any message is read: how many connections one address may hold, and how many bytes one
 * connection may send. Socket.IO runs this once per connection, ahead of every handler.
 */
export function gateConnections(io: Server, limits: InboundLimits, logger: Logger) {
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
      logger.warn('a client sent more bytes than anyone honest could; disconnected')
      socket.emit('fatal', { code: 'abuse', message: 'Too much data: disconnected.' })
      socket.disconnect(true)
    })
    next()
  })
}

/** The limits the gate gave this connection. */
export function connectionLimits(socket: Socket): ConnectionLimits {
  return socket.data.limits as ConnectionLimits
}
