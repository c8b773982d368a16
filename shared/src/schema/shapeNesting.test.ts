import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { FIRST_PAGE_ID } from './schema.ts'
import type { DocDiff } from '../sync/docDiff.ts'
import { MAX_SHAPE_NESTING } from '../sync/checkDocDiff.ts'
import { pushTo, testBoard } from '../testing/testBoard.ts'
import { geoShape } from '../testing/testRecords.ts'

/** `depth` groups, each inside the one before, with a rectangle in the innermost. */
function nestedGroups(depth: number, parentId: string = FIRST_PAGE_ID, prefix = 'g'): DocDiff {
  const diff: DocDiff = {}
  let parent = parentId
  for (let i = 0; i < depth; i++) {
    const group = geoShape(`${prefix}${i}`, { type: 'group', parentId: parent, props: {} }) as UnknownRecord
    diff[group.id] = ['put', group]
    parent = group.id
  }
  const leaf = geoShape(`${prefix}leaf`, { parentId: parent })
  diff[leaf.id] = ['put', leaf]
  return diff
}

describe('shapes inside shapes', () => {
  it(`accepts a shape ${MAX_SHAPE_NESTING} levels down`, () => {
    expect(pushTo(testBoard(), nestedGroups(MAX_SHAPE_NESTING - 1)).ok).toBe(true)
  })

  it('refuses 2,000 nested groups with a reason, applying nothing', () => {
    const board = testBoard()
    const before = board.size
    const result = pushTo(board, nestedGroups(2000))
    expect(result.ok).toBe(false)
    expect(!result.ok && result.refusal.detail).toMatch(new RegExp(`nested more than ${MAX_SHAPE_NESTING} groups or frames deep`))
    expect(board.size).toBe(before)
  })

  it('refuses a chain that grows past the bound one push at a time', () => {
    const board = testBoard()
    expect(pushTo(board, nestedGroups(MAX_SHAPE_NESTING - 1)).ok).toBe(true)
    const deeper = geoShape('deeper', { parentId: 'shape:gleaf', type: 'group', props: {} })
    expect(pushTo(board, { [deeper.id]: ['put', deeper] }).ok).toBe(false)
  })

  it('refuses moving a deep subtree under a deep chain, where each chain alone is within the bound', () => {
    const board = testBoard()
    const half = MAX_SHAPE_NESTING / 2
    expect(pushTo(board, nestedGroups(half, FIRST_PAGE_ID, 'a')).ok).toBe(true)
    expect(pushTo(board, nestedGroups(half, FIRST_PAGE_ID, 'b')).ok).toBe(true)
    const top = board.get('shape:b0')!
    const inside = pushTo(board, { 'shape:b0': ['patch', { set: { parentId: 'shape:a0' } }] })
    expect(inside.ok).toBe(true)
    const under = pushTo(board, { 'shape:b0': ['patch', { set: { parentId: 'shape:aleaf' } }] })
    expect(!under.ok && under.refusal.detail).toMatch(/would nest shapes more than/)
    expect(board.get('shape:b0')).toEqual({ ...top, parentId: 'shape:a0' })
  })
})
