import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { readBatch, type SharedBatch } from './batchFrame.ts'
import { serverMessageValidators } from './messages.ts'
import type { Refusal } from './refusal.ts'

const cursor = (id: string) => ({ id, typeName: 'instance_presence' }) as UnknownRecord
const full: Refusal = { code: 'board-full', params: {}, message: 'full' } as never

describe('readBatch', () => {
  it("puts the client's own acks and refusals in place of the shared entries at their offsets, refusals on arrival first", () => {
    const shared: SharedBatch = {
      entries: [
        { kind: 'change', offset: 4, diff: { 'shape:a': ['remove'] } },
        { kind: 'change', offset: 5, diff: { 'shape:b': ['remove'] } },
        { kind: 'noop', offset: 6 },
      ],
    }
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
    const shared: SharedBatch = { entries: [{ kind: 'noop', offset: 8 }] }
    expect(readBatch({ shared, own: [{ kind: 'ack', offset: 7, seq: 1 }] }, null).entries).toEqual([
      { kind: 'ack', offset: 7, seq: 1 },
      { kind: 'noop', offset: 8 },
    ])
  })

  it("leaves out the client's own presence, and says nothing of presence when only its own changed", () => {
    const shared: SharedBatch = {
      presence: { put: [cursor('instance_presence:me'), cursor('instance_presence:anna')], remove: ['instance_presence:bruno'] },
    }
    expect(readBatch({ shared }, 'instance_presence:me').presence).toEqual({
      put: [cursor('instance_presence:anna')],
      remove: ['instance_presence:bruno'],
    })
    const onlyMine: SharedBatch = { presence: { put: [cursor('instance_presence:me')], remove: [] } }
    expect(readBatch({ shared: onlyMine }, 'instance_presence:me')).toEqual({})
    const moved = { set: { cursor: { x: 1, y: 2 } } }
    const patches: SharedBatch = {
      presence: {
        put: [],
        remove: [],
        changed: [
          { id: 'instance_presence:me', patch: moved },
          { id: 'instance_presence:anna', patch: moved },
        ],
      },
    }
    expect(readBatch({ shared: patches }, 'instance_presence:me').presence).toEqual({
      put: [],
      remove: [],
      changed: [{ id: 'instance_presence:anna', patch: moved }],
    })
    const onlyMineMoved: SharedBatch = { presence: { put: [], remove: [], changed: [{ id: 'instance_presence:me', patch: moved }] } }
    expect(readBatch({ shared: onlyMineMoved }, 'instance_presence:me')).toEqual({})
  })

  it("leaves out the client's own cursor moves", () => {
    const shared: SharedBatch = { presence: { put: [], remove: [], moved: ['me', 1, 2, 3, 'anna', 4, 5, 6] } }
    expect(readBatch({ shared }, 'instance_presence:me').presence).toEqual({ put: [], remove: [], moved: ['anna', 4, 5, 6] })
    const onlyMine: SharedBatch = { presence: { put: [], remove: [], moved: ['me', 1, 2, 3] } }
    expect(readBatch({ shared: onlyMine }, 'instance_presence:me')).toEqual({})
  })

  it('refuses moves that are not an id and three numbers each', () => {
    const frame = (moved: unknown[]) => ({ shared: { presence: { put: [], remove: [], moved } } })
    expect(() => serverMessageValidators.batch.validate(frame(['anna', 1, 2, 3, 'bruno', 4, 5, null]))).not.toThrow()
    for (const bad of [
      ['anna', 1, 2],
      ['anna', 1, 2, '3'],
      [1, 1, 2, 3],
      ['anna', 1, Number.NaN, 3],
      [{}, 1, 2, 3],
    ]) {
      expect(() => serverMessageValidators.batch.validate(frame(bad)), JSON.stringify(bad)).toThrow()
    }
  })

  it('is given only frames whose shared part is a shared batch: a client refuses any other', () => {
    const { batch } = serverMessageValidators
    expect(() => batch.validate({ shared: { entries: [{ kind: 'ack', offset: 1, seq: 1 }] } })).toThrow()
    expect(() => batch.validate({ shared: { presence: { put: 'x', remove: [] } } })).toThrow()
    expect(() => batch.validate({ shared: new TextEncoder().encode('{}') })).toThrow()
    expect(batch.validate({ shared: { entries: [{ kind: 'noop', offset: 1 }] }, own: [{ kind: 'ack', offset: 2, seq: 1 }] })).toBeTruthy()
  })
})
