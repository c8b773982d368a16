import { EV } from '@opificio/shared'
import { PacketType } from 'socket.io-parser'
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
})
