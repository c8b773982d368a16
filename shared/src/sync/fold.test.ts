import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { FIRST_PAGE_ID } from '../schema/schema.ts'
import { diffRecord, toDocDiff, applyRecordPatch } from './docDiff.ts'
import { checkDocDiff, validateRecord } from './checkDocDiff.ts'
import { LIMITS } from './limits.ts'
import { pushTo, testBoard } from '../testing/testBoard.ts'
import { arrowBinding, arrowShape, geoShape } from '../testing/testRecords.ts'

describe('record patches', () => {
  it('carries only the fields that changed, nested ones included, and round-trips', () => {
    const a = geoShape('a')
    const b = { ...a, x: 50, props: { ...(a as any).props, color: 'red' } } as UnknownRecord
    const patch = diffRecord(a, b)!
    expect(patch).toEqual({ set: { x: 50 }, nested: { props: { set: { color: 'red' } } } })
    expect(applyRecordPatch(a, patch)).toEqual(b)
    expect(diffRecord(a, { ...a })).toBeNull()
  })

  it('turns a tldraw RecordsDiff into puts, patches and removes', () => {
    const a = geoShape('a')
    const moved = { ...a, y: 10 } as UnknownRecord
    const diff = toDocDiff({ added: { 'shape:n': geoShape('n') }, updated: { [a.id]: [a, moved] }, removed: { 'shape:r': geoShape('r') } } as any)
    expect(diff).toEqual({ 'shape:n': ['put', geoShape('n')], [a.id]: ['patch', { set: { y: 10 } }], 'shape:r': ['remove'] })
  })
})

describe('checking a push before it enters the log', () => {
  it.each([
    ['a shape with bad props', { 'shape:a': ['put', geoShape('a', {}, { geo: 'blob' })] }, /invalid shape/],
    ['an unknown record type', { 'widget:a': ['put', { id: 'widget:a', typeName: 'widget' }] }, /not part of a board/],
    [
      'a name stamped for attribution',
      { 'user:u': ['put', { id: 'user:u', typeName: 'user', name: 'Maria', color: '', imageUrl: '', meta: {} }] },
      /not part of a board/,
    ],
    ['per-tab state', { 'camera:x': ['put', { id: 'camera:x', typeName: 'camera', x: 0, y: 0, z: 1, meta: {} }] }, /not part of a board/],
    ['a record filed under another id', { 'shape:b': ['put', geoShape('a')] }, /filed under/],
    ['an unknown operation', { 'shape:a': ['smash'] }, /unknown operation/],
    ['a patch that changes the type', { 'shape:a': ['patch', { set: { typeName: 'page' } }] }, /may not change/],
    ['a patch aimed at the prototype', JSON.parse('{"shape:a": ["patch", {"nested": {"props": {"set": {"__proto__": {"w": 1}}}}}]}'), /bad patch/],
    ['nothing', {}, /empty/],
    ['not an object', 'shape', /must be an object/],
  ])('rejects %s with a reason', (_name, diff, reason) => {
    const result = checkDocDiff(diff)
    expect(result.ok).toBe(false)
    expect(!result.ok && result.refusal.detail).toMatch(reason)
  })

  const deep = (n: number): unknown => (n === 0 ? 'x' : { v: deep(n - 1) })
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`shape:m${i}`, ['remove']]))
  it.each([
    ['bad props', { 'shape:a': ['put', geoShape('a', {}, { geo: 'blob' })] }, { code: 'record-invalid', params: { type: 'shape' } }],
    ['per-tab state', { 'camera:x': ['put', { id: 'camera:x', typeName: 'camera' }] }, { code: 'record-type', params: { type: 'camera' } }],
    ['an unknown operation', { 'shape:a': ['smash'] }, { code: 'malformed' }],
    [
      'a change nested past its bound',
      { 'shape:a': ['put', geoShape('a', { meta: deep(60) })] },
      { code: 'too-deep', params: { limit: LIMITS.pushDepth } },
    ],
    [
      'a record nested past its bound',
      { 'shape:a': ['put', geoShape('a', { meta: deep(48) })] },
      { code: 'too-deep', params: { limit: LIMITS.recordDepth } },
    ],
    [
      'a record past its size',
      { 'shape:a': ['put', geoShape('a', { meta: { v: 'x'.repeat(LIMITS.recordBytes) } })] },
      { code: 'too-large', params: { limit: LIMITS.recordBytes } },
    ],
    ['too many records', many(LIMITS.recordsPerPush + 1), { code: 'too-many-records', params: { limit: LIMITS.recordsPerPush } }],
  ])('refuses %s with a code and the params its text needs', (_name, diff, expected) => {
    const result = checkDocDiff(diff)
    expect(!result.ok && result.refusal).toEqual({ ...expected, detail: expect.any(String) })
  })

  it('accepts a valid shape', () => {
    expect(checkDocDiff({ 'shape:a': ['put', geoShape('a')] }).ok).toBe(true)
  })
})

describe('folding a push into a board', () => {
  it('adds, patches and removes', () => {
    const map = testBoard()
    expect(pushTo(map, { 'shape:a': ['put', geoShape('a')] }).ok).toBe(true)
    expect(pushTo(map, { 'shape:a': ['patch', { set: { x: 42 } }] }).ok).toBe(true)
    expect((map.get('shape:a') as any).x).toBe(42)
    expect(pushTo(map, { 'shape:a': ['remove'] }).ok).toBe(true)
    expect(map.has('shape:a')).toBe(false)
  })

  it('merges concurrent edits of different fields of one shape', () => {
    const map = testBoard(geoShape('a'))
    pushTo(map, { 'shape:a': ['patch', { set: { x: 10 } }] })
    pushTo(map, { 'shape:a': ['patch', { nested: { props: { set: { color: 'red' } } } }] })
    expect(map.get('shape:a')).toMatchObject({ x: 10, props: { color: 'red' } })
  })

  it('drops a patch to a shape someone else deleted: the deleter wins', () => {
    const map = testBoard()
    const result = pushTo(map, { 'shape:gone': ['patch', { set: { x: 1 } }] })
    expect(result.ok && Object.keys(result.changes.added)).toEqual([])
    expect(map.has('shape:gone')).toBe(false)
  })

  it('rejects a patch that leaves a record invalid, applying nothing of the push', () => {
    const map = testBoard(geoShape('a'))
    const result = pushTo(map, {
      'shape:b': ['put', geoShape('b')],
      'shape:a': ['patch', { nested: { props: { set: { w: 'wide' } } } }],
    })
    expect(result.ok).toBe(false)
    expect(map.has('shape:b')).toBe(false)
  })

  it('leaves out a binding to a missing shape and a shape on a missing page, saying so', () => {
    const map = testBoard(arrowShape('arrow'))
    const binding = arrowBinding('b1', 'shape:arrow', 'shape:nowhere', 'end')
    const r1 = pushTo(map, { [binding.id]: ['put', binding] })
    expect(r1.ok && r1.adjusted).toEqual([{ id: 'shape:arrow', what: 'unbound', reason: 'target-removed' }])
    expect(map.has(binding.id)).toBe(false)
    const r2 = pushTo(map, { 'shape:x': ['put', geoShape('x', { parentId: 'page:other' })] })
    expect(r2.ok && r2.adjusted).toEqual([{ id: 'shape:x', what: 'dropped', reason: 'parent-removed' }])
    expect(map.has('shape:x')).toBe(false)
  })

  it('keeps what a concurrent edit added under a removed shape, and unbinds arrows from it', () => {
    const frame = { ...geoShape('frame', { x: 500, y: 40 }), type: 'frame', props: { w: 300, h: 300, name: '', color: 'black' } } as UnknownRecord
    expect(validateRecord(frame).id).toBe('shape:frame')
    const map = testBoard(frame, geoShape('child', { parentId: 'shape:frame', x: 10, y: 20 }), geoShape('target'), arrowShape('arrow'))
    const binding = arrowBinding('b1', 'shape:arrow', 'shape:target', 'end')
    expect(pushTo(map, { [binding.id]: ['put', binding] }).ok).toBe(true)
    const result = pushTo(map, { 'shape:frame': ['remove'], 'shape:target': ['remove'] })
    expect(result.ok && Object.keys(result.changes.removed).sort()).toEqual(['binding:b1', 'shape:frame', 'shape:target'])
    expect(map.get('shape:child')).toMatchObject({ parentId: FIRST_PAGE_ID, x: 510, y: 60 })
    expect(map.has('shape:arrow')).toBe(true)
    expect(result.ok && result.adjusted).toEqual([
      { id: 'shape:child', what: 'reparented', reason: 'parent-removed' },
      { id: 'shape:arrow', what: 'unbound', reason: 'target-removed' },
    ])
  })

  it('refuses to remove the document or the last page', () => {
    const map = testBoard()
    expect(pushTo(map, { 'document:document': ['remove'] }).ok).toBe(false)
    const r = pushTo(map, { [FIRST_PAGE_ID]: ['remove'] })
    expect(!r.ok && r.refusal.detail).toMatch(/at least one page/)
  })

  it('keeps a dot off the board once its vote is no longer open, whoever wrote it', () => {
    const vote = { id: 'vote:v', typeName: 'vote', targets: ['shape:a'], dots: 2, state: 'open', results: null, meta: {} }
    const dot = (id: string) => ({ id, typeName: 'dot', voteId: 'vote:v', sealed: 'c2VhbGVk', meta: {} }) as unknown as UnknownRecord
    const map = testBoard(vote as unknown as UnknownRecord)
    expect(pushTo(map, { 'dot:one': ['put', dot('dot:one')] }).ok).toBe(true)
    expect(pushTo(map, { 'vote:v': ['patch', { set: { state: 'closed' } }] }).ok).toBe(true)
    const late = pushTo(map, { 'dot:two': ['put', dot('dot:two')] })
    expect(!late.ok && late.refusal.code).toBe('vote-closed')
    expect([...map.keys()].filter((id) => id.startsWith('dot:'))).toEqual(['dot:one'])
    // Taking a dot away is still folded: the count removes what it counted.
    expect(pushTo(map, { 'dot:one': ['remove'] }).ok).toBe(true)
  })

  it('leaves out a move that would make a shape its own ancestor, and keeps the rest', () => {
    const map = testBoard(geoShape('a'), geoShape('b', { parentId: 'shape:a' }))
    const r = pushTo(map, { 'shape:a': ['patch', { set: { parentId: 'shape:b' } }], 'shape:c': ['put', geoShape('c')] })
    expect(r.ok && r.adjusted).toEqual([{ id: 'shape:a', what: 'dropped', reason: 'cycle' }])
    expect(map.get('shape:a')).toMatchObject({ parentId: FIRST_PAGE_ID })
    expect(map.has('shape:c')).toBe(true)
  })
})
