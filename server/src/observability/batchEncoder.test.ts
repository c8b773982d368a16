import { EV } from '@opificio/shared'
import { Encoder, PacketType } from 'socket.io-parser'
import { describe, expect, it } from 'vitest'
import { batchWeighingParser } from './batchEncoder.ts'
import { Metrics } from './metrics.ts'

async function flushBytes(metrics: Metrics) {
  const { values } = await metrics.registry.getSingleMetric('opificio_flush_bytes')!.get()
  const of = (name: string) => (values as { metricName?: string; value: number }[]).find((v) => v.metricName === name)?.value
  return { count: of('opificio_flush_bytes_count'), sum: of('opificio_flush_bytes_sum') }
}

describe('the parser the server encodes with', () => {
  it('weighs each batch it encodes by the bytes it made, and nothing else', async () => {
    const metrics = new Metrics()
    const { Encoder } = batchWeighingParser(metrics)
    const encoder = new Encoder()
    const batch = { type: PacketType.EVENT, nsp: '/', data: [EV.batch, { shared: { entries: [] }, own: [] }] }
    const [encoded] = encoder.encode(batch)
    encoder.encode({ type: PacketType.EVENT, nsp: '/', data: [EV.welcome, { offset: 1 }] })
    encoder.encode({ type: PacketType.CONNECT, nsp: '/' })

    expect(encoded).toBe(`2${JSON.stringify(batch.data)}`)
    expect(await flushBytes(metrics)).toEqual({ count: 1, sum: Buffer.byteLength(encoded) })
  })

  it("encodes a batch as Socket.IO's own encoder does, whatever its namespace and id", () => {
    const { Encoder: Weighing } = batchWeighingParser(new Metrics())
    const frame = {
      shared: { entries: [{ kind: 'change', offset: 7, diff: { 'shape:a': ['patch', { set: { x: 1.5, text: 'è "a"' } }] } }] },
      own: [],
    }
    for (const packet of [
      { type: PacketType.EVENT, nsp: '/', data: [EV.batch, frame] },
      { type: PacketType.EVENT, nsp: '/board', data: [EV.batch, frame] },
      { type: PacketType.EVENT, nsp: '/', id: 12, data: [EV.batch, frame] },
    ]) {
      expect(new Weighing().encode(packet)).toEqual(new Encoder().encode(packet))
    }
  })
})
