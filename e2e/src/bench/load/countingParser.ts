import { Decoder, Encoder, PacketType, protocol } from 'socket.io-parser'
import type { Reads } from './dragStorm.ts'

/** How a batch's packet starts on the wire: an event, on the main namespace, named batch. */
const BATCH = `${PacketType.EVENT}["batch",`

/**
 * A Socket.IO parser that leaves unparsed the batches a client does not read (see Reads): it
 * counts them, and parses every other packet (the handshake, the welcome) as usual. The server
 * sends such a client the same bytes as any other; 300 clients parsing every cursor in this one
 * process would measure the generator, where each person has a device of their own.
 */
function skipping(skip: (packet: string) => boolean) {
  return class SkippingDecoder extends Decoder {
    override add(chunk: unknown) {
      if (typeof chunk === 'string' && chunk.startsWith(BATCH) && skip(chunk)) {
        this.emitReserved('decoded', { type: PacketType.EVENT, nsp: '/', data: ['batch', {}] })
      } else super.add(chunk)
    }
  }
}

/** The parser of a client that reads `reads` of its batches; undefined for all of them. */
export function parserFor(reads: Reads) {
  if (reads === 'all') return undefined
  // A batch with neither entries nor acks is presence alone (no cursor record has such keys).
  const skip = reads === 'none' ? () => true : (p: string) => !p.includes('"entries":') && !p.includes('"own":')
  return { Encoder, Decoder: skipping(skip), protocol }
}
