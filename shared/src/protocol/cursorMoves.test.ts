import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { diffRecord } from '../sync/docDiff.ts'
import { presenceRecord } from '../testing/testRecords.ts'
import { applyMove, cursorMove, readMoves } from './cursorMoves.ts'

const anna = presenceRecord('anna', { x: 1, y: 2 })
const moved = (fields: Record<string, unknown>) => ({ ...anna, ...fields }) as UnknownRecord
const moveOf = (after: UnknownRecord) => cursorMove(anna, after, diffRecord(anna, after)!)

describe('cursor moves', () => {
  it('say a move of the cursor and the time of the last activity, and the record comes out as the patch would make it', () => {
    const after = moved({ cursor: { x: 5.25, y: -3, type: 'default', rotation: 0 }, lastActivityTimestamp: 99 })
    const move = moveOf(after)
    expect(move).toEqual([anna.id.slice('instance_presence:'.length), 5.25, -3, 99])
    const [read] = [...readMoves(move!)]
    expect(read.id).toBe(anna.id)
    expect(applyMove(anna, read)).toEqual(after)
  })

  it('are not used when anything else changes, or the cursor changes more than its place', () => {
    const cursor = { x: 5, y: 5, type: 'default', rotation: 0 }
    expect(moveOf(moved({ cursor, userName: 'Anna B.' }))).toBeNull()
    expect(moveOf(moved({ cursor: { ...cursor, type: 'grab' } }))).toBeNull()
    expect(moveOf(moved({ cursor: { ...cursor, rotation: 1 } }))).toBeNull()
    expect(moveOf(moved({ cursor: { ...cursor, extra: 1 } }))).toBeNull()
    expect(moveOf(moved({ cursor: { ...cursor, x: Number.POSITIVE_INFINITY } }))).toBeNull()
    expect(moveOf(moved({ cursor, lastActivityTimestamp: 'soon' }))).toBeNull()
    expect(moveOf(moved({ cursor }))).toEqual([expect.any(String), 5, 5, null])
    expect(moveOf(moved({ cursor, id: 'other:anna' }))).toBeNull()
  })
})
