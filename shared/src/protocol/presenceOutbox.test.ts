import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { presenceRecord } from '../testing/testRecords.ts'
import { applyOwnMove, ownMoveValidator } from './cursorMoves.ts'
import { presenceEnvelopeValidator } from './messages.ts'
import { OWN_WHOLE_EVERY_MS, PresenceOutbox } from './presenceOutbox.ts'

const anna = presenceRecord('anna', { x: 1, y: 2 })
const at = (x: number, fields: Record<string, unknown> = {}) =>
  ({ ...anna, cursor: { x, y: 2, type: 'default', rotation: 0 }, lastActivityTimestamp: x, ...fields }) as UnknownRecord

describe('a client’s own presence on its way out', () => {
  it('goes whole first, then as moves of the cursor, and whole when anything else changes', () => {
    const outbox = new PresenceOutbox()
    expect(outbox.next(at(1), 0)).toEqual({ record: at(1) })
    expect(outbox.next(at(5), 50)).toEqual({ move: [5, 2, 5] })
    expect(outbox.next(at(6, { selectedShapeIds: ['shape:a'] }), 100)).toEqual({ record: at(6, { selectedShapeIds: ['shape:a'] }) })
    expect(outbox.next(at(7, { selectedShapeIds: ['shape:a'] }), 150)).toEqual({ move: [7, 2, 7] })
    // Asked for whole (the cursor stood still after a move): whole, however little changed.
    expect(outbox.next(at(7, { selectedShapeIds: ['shape:a'] }), 700, true)).toEqual({ record: at(7, { selectedShapeIds: ['shape:a'] }) })
    expect(outbox.next(null, 200)).toEqual({ record: null })
    expect(outbox.next(at(8), 250)).toEqual({ record: at(8) })
  })

  it('goes whole again every few seconds, however long only the cursor moves, and on every new connection', () => {
    const outbox = new PresenceOutbox()
    outbox.next(at(1), 0)
    expect(outbox.next(at(2), OWN_WHOLE_EVERY_MS - 1)).toHaveProperty('move')
    expect(outbox.next(at(3), OWN_WHOLE_EVERY_MS)).toEqual({ record: at(3) })
    expect(outbox.next(at(4), OWN_WHOLE_EVERY_MS + 50)).toHaveProperty('move')
    outbox.reset()
    expect(outbox.next(at(5), OWN_WHOLE_EVERY_MS + 100)).toEqual({ record: at(5) })
  })

  it('is a record or a move on the wire, never both or neither, and a move holds a finite place and a time', () => {
    const ok = [{ record: null }, { record: at(1) }, { move: [1, 2, null] }, { move: [-1.5, 2e9, 1700000000000] }]
    for (const message of ok) expect(presenceEnvelopeValidator.validate(message)).toEqual(message)
    const bad = [
      {},
      { record: at(1), move: [1, 2, 3] },
      { move: null },
      { move: [1, 2] },
      { move: [1, 2, 3, 4] },
      { move: ['1', 2, 3] },
      { move: [Number.NaN, 2, 3] },
      { move: [1, Number.POSITIVE_INFINITY, 3] },
      { move: [1, 2, 'now'] },
      { move: { 0: 1, 1: 2, 2: 3, length: 3 } },
      { record: null, extra: 1 },
    ]
    for (const message of bad) expect(() => presenceEnvelopeValidator.validate(message), JSON.stringify(message)).toThrow()
    expect(() => ownMoveValidator.validate([1, 2, null])).not.toThrow()
  })

  it('moves only a record that has a cursor to move', () => {
    expect(applyOwnMove(at(1), [9, 8, 7])).toEqual({ ...at(1), cursor: { x: 9, y: 8, type: 'default', rotation: 0 }, lastActivityTimestamp: 7 })
    expect(applyOwnMove({ ...anna, cursor: null } as UnknownRecord, [9, 8, 7])).toBeNull()
    expect(applyOwnMove({ ...anna, cursor: { x: 1, y: 2 } } as UnknownRecord, [9, 8, 7])).toBeNull()
  })
})
