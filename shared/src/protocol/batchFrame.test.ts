import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { encodeSharedBatch, readBatch } from './batchFrame.ts'
import type { Refusal } from './refusal.ts'

const cursor = (id: string) => ({ id, typeName: 'instance_presence' }) as UnknownRecord
const full: Refusal = { code: 'board-full', params: {}, message: 'full' } as never

describe('readBatch', () => {
  it("puts the client's own acks and refusals in place of the shared entries at their offsets, refusals on arrival first", () => {
    const shared = encodeSharedBatch({
      entries: [
        { kind: 'change', offset: 4, diff: { 'shape:a': ['remove'] } },
        { kind: 'change', offset: 5, diff: { 'shape:b': ['remove'] } },
        { kind: 'noop', offset: 6 },
      ],
    })
    const batch = readBatch(
      {
        shared,
        own: [
          { kind: 'ack', offset: 5, seq: 9 },
          { kind: 'rejected', offset: 6, seq: 10, refusal: full },
          { kind: 'rejected', seq: 11, refusal: full },
        ],
      },
      null
    )
    expect(batch.entries).toEqual([
      { kind: 'rejected', seq: 11, refusal: full },
      { kind: 'change', offset: 4, diff: { 'shape:a': ['remove'] } },
      { kind: 'ack', offset: 5, seq: 9 },
      { kind: 'rejected', offset: 6, seq: 10, refusal: full },
    ])
  })

  it('keeps an own entry whose offset the shared part lacks, in offset order', () => {
    const shared = encodeSharedBatch({ entries: [{ kind: 'noop', offset: 8 }] })
    expect(readBatch({ shared, own: [{ kind: 'ack', offset: 7, seq: 1 }] }, null).entries).toEqual([
      { kind: 'ack', offset: 7, seq: 1 },
      { kind: 'noop', offset: 8 },
    ])
  })

  it("leaves out the client's own presence, and says nothing of presence when only its own changed", () => {
    const shared = encodeSharedBatch({
      presence: { put: [cursor('instance_presence:me'), cursor('instance_presence:anna')], remove: ['instance_presence:bruno'] },
    })
    expect(readBatch({ shared }, 'instance_presence:me').presence).toEqual({
      put: [cursor('instance_presence:anna')],
      remove: ['instance_presence:bruno'],
    })
    const onlyMine = encodeSharedBatch({ presence: { put: [cursor('instance_presence:me')], remove: [] } })
    expect(readBatch({ shared: onlyMine }, 'instance_presence:me')).toEqual({})
  })

  it('throws on a shared part that is not a shared batch', () => {
    const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v))
    expect(() => readBatch({ shared: bytes({ entries: [{ kind: 'ack', offset: 1, seq: 1 }] }) }, null)).toThrow()
    expect(() => readBatch({ shared: bytes({ presence: { put: 'x', remove: [] } }) }, null)).toThrow()
    expect(() => readBatch({ shared: new TextEncoder().encode('{"entries": [') }, null)).toThrow()
  })
})
