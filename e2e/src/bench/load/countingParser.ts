import { Decoder, Encoder, PacketType, protocol } from 'socket.io-parser'

/** How a batch's packet starts on the wire: an event, on the main namespace, named batch. */
const BATCH = `${PacketType.EVENT}["batch",`

/**
 * A quiet client's Socket.IO parser: it counts each batch without parsing it, and parses every
 * other packet (the handshake, the welcome) as usual. The server sends it the same bytes as a
 * reading client; 300 clients parsing every cursor in this one process would measure the
 * generator, where each person has a device of their own.
 */
class CountingDecoder extends Decoder {
  override add(chunk: unknown) {
    if (typeof chunk === 'string' && chunk.startsWith(BATCH)) this.emitReserved('decoded', { type: PacketType.EVENT, nsp: '/', data: ['batch', {}] })
    else super.add(chunk)
  }
}

export const countingParser = { Encoder, Decoder: CountingDecoder, protocol }
