import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { FIRST_PAGE_ID } from '../schema/schema.ts'
import type { DocDiff } from './docDiff.ts'
import { foldDocDiff, mapSource } from './fold.ts'
import { sinCos } from './shapeTransforms.ts'
import { pushTo, testBoard } from '../testing/testBoard.ts'
import { arrowBinding, arrowShape, geoShape } from '../testing/testRecords.ts'

type Shape = UnknownRecord & { x: number; y: number; rotation: number; parentId: string; index: string; props: Record<string, any> }

function frame(id: string, over: Record<string, unknown> = {}): UnknownRecord {
  return { ...geoShape(id), type: 'frame', props: { w: 400, h: 300, name: '', color: 'black' }, ...over } as UnknownRecord
}

function group(id: string, over: Record<string, unknown> = {}): UnknownRecord {
  return { ...geoShape(id), type: 'group', props: {}, ...over } as UnknownRecord
}

const shape = (map: Map<string, UnknownRecord>, id: string) => map.get(id) as Shape

describe('arrow ends whose shape goes', () => {
  it('frees the end at the centre of the shape a later entry deletes (issue 8, scenario 1)', () => {
    // B drew s1 → s2; A, offline, deleted s2 without ever seeing the arrow.
    const map = testBoard(
      geoShape('s1', { x: 0, y: 0 }),
      geoShape('s2', { x: 300, y: 100 }, { w: 100, h: 80 }),
      arrowShape('arrow', { x: 50, y: 40 })
    )
    const start = arrowBinding('bs', 'shape:arrow', 'shape:s1', 'start')
    const end = arrowBinding('be', 'shape:arrow', 'shape:s2', 'end')
    expect(pushTo(map, { [start.id]: ['put', start], [end.id]: ['put', end] }).ok).toBe(true)

    const result = pushTo(map, { 'shape:s2': ['remove'] })
    expect(result.ok && result.adjusted).toEqual([{ id: 'shape:arrow', what: 'unbound', reason: 'target-removed' }])
    expect(map.has(end.id)).toBe(false)
    expect(map.has(start.id)).toBe(true)
    // s2's centre (350, 140) on the page, in the arrow's space (the arrow sits at 50, 40).
    expect(shape(map, 'shape:arrow').props.end).toEqual({ x: 300, y: 100 })
    expect(shape(map, 'shape:arrow').props.start).toEqual({ x: 0, y: 0 })
  })

  it('uses the precise anchor, through rotated frames on both sides', () => {
    const turn = Math.PI / 6
    const map = testBoard(
      frame('f1', { x: 100, y: 50, rotation: turn }),
      geoShape('target', { parentId: 'shape:f1', x: 20, y: 30, rotation: turn }, { w: 100, h: 60 }),
      frame('f2', { x: -200, y: 10, rotation: -turn }),
      arrowShape('arrow', { parentId: 'shape:f2', x: 5, y: 7 })
    )
    const binding = {
      ...arrowBinding('b', 'shape:arrow', 'shape:target', 'end'),
      props: { terminal: 'end', normalizedAnchor: { x: 0.25, y: 0.75 }, isExact: false, isPrecise: true, snap: 'none' },
    } as UnknownRecord
    expect(pushTo(map, { [binding.id]: ['put', binding] }).ok).toBe(true)
    expect(pushTo(map, { 'shape:target': ['remove'] }).ok).toBe(true)

    // The same by plain matrices: anchor in the target → page → the arrow's space.
    const rot = (a: number, p: { x: number; y: number }) => ({ x: p.x * Math.cos(a) - p.y * Math.sin(a), y: p.x * Math.sin(a) + p.y * Math.cos(a) })
    const inTarget = { x: 25, y: 45 }
    const inF1 = rot(turn, inTarget)
    const onPage1 = rot(turn, { x: 20 + inF1.x, y: 30 + inF1.y })
    const page = { x: 100 + onPage1.x, y: 50 + onPage1.y }
    const inF2 = rot(turn, { x: page.x + 200, y: page.y - 10 })
    const expected = { x: inF2.x - 5, y: inF2.y - 7 }
    const end = shape(map, 'shape:arrow').props.end
    expect(end.x).toBeCloseTo(expected.x, 9)
    expect(end.y).toBeCloseTo(expected.y, 9)
  })

  it('keeps the end its author placed when the push removes the binding itself', () => {
    const map = testBoard(geoShape('t', { x: 300 }), arrowShape('arrow'))
    const binding = arrowBinding('b', 'shape:arrow', 'shape:t', 'end')
    pushTo(map, { [binding.id]: ['put', binding] })
    // As tldraw's editor deletes a bound shape: the arrow end moved to the edge, then the binding and shape go.
    const result = pushTo(map, {
      'shape:arrow': ['patch', { nested: { props: { set: { end: { x: 290, y: 40 } } } } }],
      [binding.id]: ['remove'],
      'shape:t': ['remove'],
    })
    expect(result.ok && result.adjusted).toEqual([])
    expect(shape(map, 'shape:arrow').props.end).toEqual({ x: 290, y: 40 })
  })

  it('frees the end where it was when a binding alone is removed', () => {
    const map = testBoard(geoShape('t', { x: 300, y: 0 }), arrowShape('arrow'))
    const binding = arrowBinding('b', 'shape:arrow', 'shape:t', 'end')
    pushTo(map, { [binding.id]: ['put', binding] })
    const result = pushTo(map, { [binding.id]: ['remove'] })
    expect(result.ok && result.adjusted).toEqual([])
    expect(shape(map, 'shape:arrow').props.end).toEqual({ x: 350, y: 40 })
  })

  it('leaves out a new binding to a shape deleted meanwhile; the arrow stays, unbound', () => {
    const map = testBoard(geoShape('s1'), arrowShape('arrow', { x: 10 }))
    const binding = arrowBinding('b', 'shape:arrow', 'shape:s2', 'end')
    const result = pushTo(map, { [binding.id]: ['put', binding], 'shape:new': ['put', geoShape('new')] })
    expect(result.ok && result.adjusted).toEqual([{ id: 'shape:arrow', what: 'unbound', reason: 'target-removed' }])
    expect(map.has('shape:new')).toBe(true)
    expect(shape(map, 'shape:arrow').props.end).toEqual({ x: 100, y: 0 })
  })
})

describe('shapes whose group or frame goes', () => {
  it('keeps an offline push whole when one shape of it was in a frame deleted meanwhile (issue 8, scenario 2)', () => {
    const map = testBoard(frame('F', { x: 200, y: 100 }))
    expect(pushTo(map, { 'shape:F': ['remove'] }).ok).toBe(true)
    // A, offline, added M on the page and G inside F; its client says where it saw G.
    const push: DocDiff = {
      'shape:M': ['put', geoShape('M', { x: 5, y: 5 })],
      'shape:G': [
        'put',
        geoShape('G', { parentId: 'shape:F', x: 10, y: 20 }),
        { ancestors: ['shape:F', FIRST_PAGE_ID], x: 210, y: 120, rotation: 0 },
      ],
    }
    const result = pushTo(map, push)
    expect(result.ok && result.adjusted).toEqual([{ id: 'shape:G', what: 'reparented', reason: 'parent-removed' }])
    expect(shape(map, 'shape:M')).toMatchObject({ parentId: FIRST_PAGE_ID, x: 5, y: 5 })
    expect(shape(map, 'shape:G')).toMatchObject({ parentId: FIRST_PAGE_ID, x: 210, y: 120 })
  })

  it('keeps a shape added to a frame when the frame is deleted after by someone who never saw it', () => {
    const map = testBoard(frame('F', { x: 200, y: 100, rotation: Math.PI / 2 }), geoShape('other', { index: 'a5' }))
    pushTo(map, { 'shape:G': ['put', geoShape('G', { parentId: 'shape:F', x: 10, y: 20 })] })
    const result = pushTo(map, { 'shape:F': ['remove'] })
    expect(result.ok && result.adjusted).toEqual([{ id: 'shape:G', what: 'reparented', reason: 'parent-removed' }])
    const g = shape(map, 'shape:G')
    expect(g).toMatchObject({ parentId: FIRST_PAGE_ID, x: 180, y: 110, rotation: Math.PI / 2 })
    // It takes the frame's place in the stacking order: above where F was, below what was above it.
    expect(g.index > 'a1' && g.index < 'a5').toBe(true)
  })

  it('keeps a shape under the nearest ancestor left', () => {
    const map = testBoard(
      frame('outer', { x: 100, y: 100 }),
      frame('inner', { parentId: 'shape:outer', x: 10, y: 10 }),
      geoShape('G', { parentId: 'shape:inner', x: 1, y: 2 })
    )
    const result = pushTo(map, { 'shape:inner': ['remove'] })
    expect(result.ok).toBe(true)
    expect(shape(map, 'shape:G')).toMatchObject({ parentId: 'shape:outer', x: 11, y: 12 })
  })

  it('carries a move its author made inside a frame deleted meanwhile to where the shape now is', () => {
    const map = testBoard(frame('F', { x: 200, y: 100 }), geoShape('G', { parentId: 'shape:F', x: 10, y: 20 }))
    pushTo(map, { 'shape:F': ['remove'] })
    expect(shape(map, 'shape:G')).toMatchObject({ parentId: FIRST_PAGE_ID, x: 210, y: 120 })
    const result = pushTo(map, { 'shape:G': ['patch', { set: { x: 15 } }, { ancestors: ['shape:F', FIRST_PAGE_ID], x: 215, y: 120, rotation: 0 }] })
    expect(result.ok && result.adjusted).toEqual([])
    expect(shape(map, 'shape:G')).toMatchObject({ parentId: FIRST_PAGE_ID, x: 215, y: 120 })
  })

  it('leaves a shape where it was when the frame it was moved into is gone and its author said nothing more', () => {
    const map = testBoard(frame('F'), geoShape('G', { x: 7, y: 8 }))
    pushTo(map, { 'shape:F': ['remove'] })
    const result = pushTo(map, { 'shape:G': ['patch', { set: { parentId: 'shape:F', x: 1, y: 1 }, nested: { props: { set: { color: 'red' } } } }] })
    expect(result.ok && result.adjusted).toEqual([{ id: 'shape:G', what: 'reparented', reason: 'parent-removed' }])
    expect(shape(map, 'shape:G')).toMatchObject({ parentId: FIRST_PAGE_ID, x: 7, y: 8, props: { color: 'red' } })
  })

  it('dissolves a group left with one child, keeping the child where it is on the page', () => {
    const map = testBoard(
      group('g', { x: 100, y: 50, index: 'a3' }),
      geoShape('a', { parentId: 'shape:g', x: 10, y: 10 }),
      geoShape('b', { parentId: 'shape:g', x: 200, y: 0 })
    )
    const result = pushTo(map, { 'shape:b': ['remove'] })
    expect(result.ok && result.adjusted).toEqual([
      { id: 'shape:a', what: 'reparented', reason: 'group-emptied' },
      { id: 'shape:g', what: 'removed', reason: 'group-emptied' },
    ])
    expect(map.has('shape:g')).toBe(false)
    expect(shape(map, 'shape:a')).toMatchObject({ parentId: FIRST_PAGE_ID, x: 110, y: 60 })
    expect(shape(map, 'shape:a').index > 'a3').toBe(true)
  })

  it('removes a group left with no child, and its group in turn when that is left with one', () => {
    const map = testBoard(
      group('outer'),
      group('inner', { parentId: 'shape:outer' }),
      geoShape('a', { parentId: 'shape:inner' }),
      geoShape('b', { parentId: 'shape:inner' }),
      geoShape('c', { parentId: 'shape:outer', x: 3 })
    )
    expect(pushTo(map, { 'shape:a': ['remove'], 'shape:b': ['remove'] }).ok).toBe(true)
    expect(map.has('shape:inner')).toBe(false)
    expect(map.has('shape:outer')).toBe(false)
    expect(shape(map, 'shape:c')).toMatchObject({ parentId: FIRST_PAGE_ID, x: 3 })
  })

  it('drops the move that closes a cycle, not the shape it runs through', () => {
    const map = testBoard(frame('P'), frame('X', { parentId: 'shape:P' }), geoShape('C', { parentId: 'shape:X' }))
    // Two people at once: one moved P under C (inside X, inside P); the fold sees both in one state.
    const result = pushTo(map, { 'shape:P': ['patch', { set: { parentId: 'shape:C' } }], 'shape:n': ['put', geoShape('n')] })
    expect(result.ok && result.adjusted).toEqual([{ id: 'shape:P', what: 'dropped', reason: 'cycle' }])
    expect(shape(map, 'shape:P').parentId).toBe(FIRST_PAGE_ID)
    expect(map.has('shape:n')).toBe(true)
  })

  it('drops a patch to a record someone deleted, and says so', () => {
    const map = testBoard(geoShape('a'))
    const result = pushTo(map, { 'shape:gone': ['patch', { set: { x: 1 } }], 'shape:a': ['patch', { set: { x: 2 } }] })
    expect(result.ok && result.adjusted).toEqual([{ id: 'shape:gone', what: 'dropped', reason: 'record-removed' }])
    expect(shape(map, 'shape:a').x).toBe(2)
  })

  it('still refuses a push that would leave the board without a page, whole', () => {
    const map = testBoard()
    const r = pushTo(map, { 'shape:a': ['put', geoShape('a')], [FIRST_PAGE_ID]: ['remove'] })
    expect(r.ok).toBe(false)
    expect(map.has('shape:a')).toBe(false)
  })
})

describe('stacking order', () => {
  it("moves a shape created concurrently at a sibling's index just above it, the same way every time", () => {
    const board = testBoard(geoShape('first', { index: 'aD' }), geoShape('top', { index: 'aF' }))
    const second = geoShape('second', { index: 'aD' })
    const result = pushTo(board, { [second.id]: ['put', second] })
    expect(result.ok).toBe(true)
    const index = (board.get(second.id) as UnknownRecord & { index: string }).index
    expect(index > 'aD' && index < 'aF').toBe(true)
    const again = testBoard(geoShape('first', { index: 'aD' }), geoShape('top', { index: 'aF' }))
    pushTo(again, { [second.id]: ['put', second] })
    expect(again.get(second.id)).toEqual(board.get(second.id))
  })

  it('separates hundreds of shapes pushed at a few shared indices: all distinct, the order of their indices kept', () => {
    const board = testBoard(geoShape('old1', { index: 'a1' }), geoShape('old3', { index: 'a3' }))
    const pushed = Array.from({ length: 300 }, (_, i) => geoShape(`n${String(i).padStart(3, '0')}`, { index: ['a1', 'a2', 'a3'][i % 3] }))
    expect(pushTo(board, Object.fromEntries(pushed.map((r) => [r.id, ['put', r]]))).ok).toBe(true)
    const indexOf = (id: string) => (board.get(id) as UnknownRecord & { index: string }).index
    const all = [...pushed.map((r) => r.id), 'shape:old1', 'shape:old3'].map(indexOf)
    expect(new Set(all).size).toBe(all.length)
    // Each one moved just above where it was put: never below its index, never past the next one used.
    for (const r of pushed) {
      const before = (r as UnknownRecord & { index: string }).index
      const next = { a1: 'a2', a2: 'a3', a3: null }[before]
      expect(indexOf(r.id) >= before).toBe(true)
      if (next) expect(indexOf(r.id) < next).toBe(true)
    }
  })

  it('leaves alone a shape whose index nobody else has', () => {
    const board = testBoard(geoShape('first', { index: 'aD' }))
    const other = geoShape('other', { index: 'aE' })
    pushTo(board, { [other.id]: ['put', other] })
    expect(board.get(other.id)).toEqual(other)
  })
})

describe('the fold is deterministic', () => {
  it('gives equal results folding the same entry twice from the same state', () => {
    const board = () =>
      testBoard(
        frame('F', { x: 120, y: 80, rotation: 0.3 }),
        geoShape('G', { parentId: 'shape:F', x: 10, y: 20, rotation: 0.2 }),
        group('g', { parentId: 'shape:F' }),
        geoShape('a', { parentId: 'shape:g' }),
        geoShape('b', { parentId: 'shape:g' }),
        geoShape('t', { x: 500, y: 300, rotation: 1.1 }),
        arrowShape('arrow', { parentId: 'shape:F', rotation: -0.4 }),
        arrowBinding('e', 'shape:arrow', 'shape:t', 'end'),
        arrowBinding('s', 'shape:arrow', 'shape:a', 'start')
      )
    const entry: DocDiff = { 'shape:F': ['remove'], 'shape:t': ['remove'], 'shape:b': ['remove'] }
    const first = foldDocDiff(mapSource(board()), entry)
    const second = foldDocDiff(mapSource(board()), entry)
    expect(first.ok).toBe(true)
    expect(second).toEqual(first)
    expect(JSON.stringify(second)).toBe(JSON.stringify(first))
  })

  it('computes sine and cosine with arithmetic alone, close to Math', () => {
    for (let a = -20; a <= 20; a += 0.0137) {
      const [s, c] = sinCos(a)
      expect(Math.abs(s - Math.sin(a))).toBeLessThan(1e-14)
      expect(Math.abs(c - Math.cos(a))).toBeLessThan(1e-14)
    }
  })
})
