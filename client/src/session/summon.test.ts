import { describe, expect, it as test } from 'vitest'
import { SeenSummons } from './summon.ts'

const at = (n: number) => ({ n, pageId: 'page:p', x: 0, y: 0, w: 100, h: 100 })

describe('following a summon', () => {
  test('a page does not jump to the summon standing when it loads', () => {
    const seen = new SeenSummons(at(4))
    expect(seen.take(at(4))).toBeNull()
  })

  test('follows each new summon once', () => {
    const seen = new SeenSummons(at(4))
    expect(seen.take(at(5))).toEqual(at(5))
    expect(seen.take(at(5))).toBeNull()
    // One that came while offline is new too.
    expect(seen.take(at(7))).toEqual(at(7))
  })

  test('on a board never summoned, the first summon is followed', () => {
    const seen = new SeenSummons(null)
    expect(seen.take(null)).toBeNull()
    expect(seen.take(at(1))).toEqual(at(1))
  })
})
