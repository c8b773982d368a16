import { Box } from 'tldraw'
import { describe, expect, it as test } from 'vitest'
import { ELEMENT_SIZE, freeSpot, GAP } from './placement.ts'

const card = (c: { x: number; y: number }) => Box.FromCenter(c, { x: ELEMENT_SIZE.w, y: ELEMENT_SIZE.h })
const apart = (a: Box, b: Box) => !a.clone().expandBy(GAP).collides(b)
const within = (outer: Box, inner: Box) =>
  inner.minX >= outer.minX && inner.minY >= outer.minY && inner.maxX <= outer.maxX && inner.maxY <= outer.maxY

describe('a free spot for a new card', () => {
  const view = new Box(0, 0, 1000, 700)

  test('the middle of an empty view', () => {
    expect(freeSpot(view, [], ELEMENT_SIZE)).toEqual({ x: 500, y: 350 })
  })

  test('never on a card already there, and the nearest free spot to the middle', () => {
    const there = card(view.center)
    const spot = freeSpot(view, [there], ELEMENT_SIZE)!
    expect(apart(card(spot), there)).toBe(true)
    // Just beside it, not in a far corner.
    expect(Math.hypot(spot.x - view.center.x, spot.y - view.center.y)).toBeLessThan(ELEMENT_SIZE.w + 2 * GAP + 20)
  })

  test('one placement after another: none overlaps any other', () => {
    const taken: Box[] = []
    for (let i = 0; i < 8; i++) {
      const spot = freeSpot(view, taken, ELEMENT_SIZE)!
      expect(spot).toBeDefined()
      for (const t of taken) expect(apart(card(spot), t)).toBe(true)
      taken.push(card(spot))
    }
  })

  test('inside the area, whole: a column fills from its top left', () => {
    const column = new Box(2000, 300, 380, 580)
    const first = freeSpot(column, [], ELEMENT_SIZE, 'start')!
    expect(within(column, card(first))).toBe(true)
    expect(first).toEqual({ x: column.minX + ELEMENT_SIZE.w / 2, y: column.minY + ELEMENT_SIZE.h / 2 })
    const second = freeSpot(column, [card(first)], ELEMENT_SIZE, 'start')!
    expect(within(column, card(second))).toBe(true)
    expect(second.y).toBeGreaterThan(first.y)
    expect(apart(card(second), card(first))).toBe(true)
  })

  test('a drop stays where the pointer let go when that is free, and moves aside when it is not', () => {
    const at = { x: 300, y: 200 }
    expect(freeSpot(view, [], ELEMENT_SIZE, at)).toEqual(at)
    const moved = freeSpot(view, [card(at)], ELEMENT_SIZE, at)!
    expect(apart(card(moved), card(at))).toBe(true)
  })

  test('no room at all: undefined, so the caller looks further', () => {
    const small = new Box(0, 0, 200, 100)
    expect(freeSpot(small, [], ELEMENT_SIZE)).toBeUndefined()
    const full = new Box(0, 0, 300, 200)
    expect(freeSpot(full, [full.clone()], ELEMENT_SIZE)).toBeUndefined()
  })

  test('far zoomed out, a huge area is still searched in a bounded number of tries', () => {
    const huge = new Box(0, 0, 1e6, 1e6)
    const start = performance.now()
    expect(freeSpot(huge, [card(huge.center)], ELEMENT_SIZE)).toBeDefined()
    expect(performance.now() - start).toBeLessThan(500)
  })
})
