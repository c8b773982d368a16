import { EV } from '@opificio/shared'
import { Decoder, Encoder, type Packet } from 'socket.io-parser'
import type { Metrics } from './metrics.ts'

/**
 * Socket.IO's parser, with an encoder that weighs every batch as it encodes it: a flush's
 * broadcast once for all the clients it goes to, a frame with someone's own acks once for them.
 * The weight comes from the bytes the encoder made anyway, where serializing each flush again
 * only to weigh it cost 3 % of a core at 200 people with their cursors moving.
 */
export function batchWeighingParser(metrics: Metrics) {
  class BatchWeighingEncoder extends Encoder {
    override encode(packet: Packet) {
      const encoded = super.encode(packet)
      if (Array.isArray(packet.data) && packet.data[0] === EV.batch && typeof encoded[0] === 'string') {
        metrics.flushed(Buffer.byteLength(encoded[0]))
      }
      return encoded
    }
  }
  return { Encoder: BatchWeighingEncoder, Decoder }
}
