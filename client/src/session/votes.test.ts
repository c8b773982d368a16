import type { VoteRecord } from '@opificio/shared'
import { describe, expect, it as test } from 'vitest'
import { controlSpot, SAFE_BOTTOM } from './VoteLayer.tsx'
import { canOpenVoteOn, currentVote, dotsPerPerson, dotsPlaced, myDotsIn, resultsByShape, voteTargetsOf, type ShapeLike } from './votes.ts'

/** A little board: a frame holding two notes, a nested frame with a card, a group, an arrow. */
const shapes: Record<string, ShapeLike & { children?: string[] }> = {
  'shape:frame': { id: 'shape:frame', type: 'frame', children: ['shape:a', 'shape:b', 'shape:inner', 'shape:arrow', 'shape:group'] },
  'shape:a': { id: 'shape:a', type: 'note' },
  'shape:b': { id: 'shape:b', type: 'element' },
  'shape:inner': { id: 'shape:inner', type: 'frame', children: ['shape:c'] },
  'shape:c': { id: 'shape:c', type: 'geo' },
  'shape:arrow': { id: 'shape:arrow', type: 'arrow' },
  'shape:group': { id: 'shape:group', type: 'group', children: ['shape:d', 'shape:e'] },
  'shape:d': { id: 'shape:d', type: 'note' },
  'shape:e': { id: 'shape:e', type: 'note' },
  'shape:outside': { id: 'shape:outside', type: 'element' },
}
const childrenOf = (id: string) => (shapes[id].children ?? []).map((c) => shapes[c])
const pick = (...ids: string[]) => ids.map((id) => shapes[id])

const vote = (id: string, patch: Partial<VoteRecord> = {}): VoteRecord =>
  ({ id, typeName: 'vote', targets: ['shape:a', 'shape:b'], dots: 3, state: 'open', results: null, meta: {}, ...patch }) as VoteRecord

describe('which elements a vote covers', () => {
  test('the selected elements, in selection order', () => {
    expect(voteTargetsOf(pick('shape:outside', 'shape:a'), childrenOf)).toEqual(['shape:outside', 'shape:a'])
  })

  test('a selected frame: every element inside it, nested frames and groups too, not arrows nor the frames', () => {
    expect(voteTargetsOf(pick('shape:frame'), childrenOf)).toEqual(['shape:a', 'shape:b', 'shape:c', 'shape:d', 'shape:e'])
  })

  test('an element selected with its frame counts once; nothing votable, nothing to open', () => {
    expect(voteTargetsOf(pick('shape:a', 'shape:frame'), childrenOf)).toEqual(['shape:a', 'shape:b', 'shape:c', 'shape:d', 'shape:e'])
    expect(voteTargetsOf(pick('shape:arrow'), childrenOf)).toEqual([])
    expect(canOpenVoteOn([])).toBe(false)
    expect(canOpenVoteOn(['shape:a'])).toBe(true)
    expect(canOpenVoteOn(Array.from({ length: 201 }, (_, i) => `shape:${i}`))).toBe(false)
  })
})

describe('the dots-per-person field', () => {
  test('a whole number from 1 to 10', () => {
    expect(dotsPerPerson('3')).toBe(3)
    expect(dotsPerPerson(' 10 ')).toBe(10)
    for (const bad of ['', '0', '11', '2.5', 'tre', '-1']) expect(dotsPerPerson(bad)).toBeNull()
  })
})

describe('what the screens show of the votes', () => {
  test('the running vote: the open one, else the closed one waiting for its reveal', () => {
    expect(currentVote([])).toBeNull()
    expect(currentVote([vote('vote:r', { state: 'revealed', results: {} })])).toBeNull()
    expect(currentVote([vote('vote:c', { state: 'closed' }), vote('vote:o')])?.id).toBe('vote:o')
    expect(currentVote([vote('vote:c', { state: 'closed' })])?.id).toBe('vote:c')
  })

  test('dots placed so far: only the total of that vote’s dots', () => {
    const dots = [{ voteId: 'vote:x' }, { voteId: 'vote:y' }, { voteId: 'vote:x' }]
    expect(dotsPlaced(dots, 'vote:x')).toBe(2)
    expect(dotsPlaced(dots, 'vote:z')).toBe(0)
  })

  test('counts only of revealed votes, none on elements of the running vote', () => {
    expect(resultsByShape([vote('vote:o')]).size).toBe(0)
    const shown = resultsByShape([
      vote('vote:r', { state: 'revealed', targets: ['shape:a', 'shape:c'], results: { 'shape:a': 4, 'shape:c': 0 } }),
      vote('vote:o', { targets: ['shape:c'] }),
    ])
    expect([...shown.entries()]).toEqual([['shape:a', [{ voteId: 'vote:r', count: 4 }]]])
  })

  test('no counts of a vote whose results the facilitator took off the elements', () => {
    const revealed = { state: 'revealed' as const, targets: ['shape:a'], results: { 'shape:a': 4 } }
    expect(resultsByShape([vote('vote:r', { ...revealed, hidden: true })]).size).toBe(0)
    expect(resultsByShape([vote('vote:r', { ...revealed, hidden: false })]).size).toBe(1)
  })

  test('my dots: as the server last told them, or all still to place', () => {
    expect(myDotsIn(vote('vote:o'), {})).toEqual({ mine: {}, left: 3 })
    expect(myDotsIn(vote('vote:o'), { 'vote:o': { mine: { 'shape:a': 2 }, left: 1 } })).toEqual({ mine: { 'shape:a': 2 }, left: 1 })
  })
})

describe('where an element’s dot control goes', () => {
  const box = (minX: number, minY: number, maxX: number, maxY: number) => ({ minX, minY, maxX, maxY })
  test('under the middle of its bottom edge', () => {
    expect(controlSpot(box(100, 100, 300, 200), 390, 800)).toEqual({ x: 200, y: 200 })
  })
  test('kept clear of the toolbars while the element is partly under them', () => {
    expect(controlSpot(box(100, 600, 300, 790), 390, 800)).toEqual({ x: 200, y: 800 - SAFE_BOTTOM })
    expect(controlSpot(box(100, -100, 300, 20), 390, 800)).toBeNull()
    expect(controlSpot(box(100, -100, 300, 60), 390, 800)).toEqual({ x: 200, y: 60 })
  })
  test('none for an element off screen', () => {
    expect(controlSpot(box(400, 100, 600, 200), 390, 800)).toBeNull()
    expect(controlSpot(box(100, 790, 300, 900), 390, 800)).toBeNull()
  })
})
