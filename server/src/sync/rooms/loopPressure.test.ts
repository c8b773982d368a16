import { describe, expect, it } from 'vitest'
import { stretchFor } from './loopPressure.ts'

describe('stretchFor', () => {
  it('leaves the pace alone while the loop is at ease, and slows it up to four times as it saturates', () => {
    expect(stretchFor(0)).toBe(1)
    expect(stretchFor(0.6)).toBe(1)
    expect(stretchFor(0.775)).toBeCloseTo(2.5, 5)
    expect(stretchFor(0.95)).toBe(4)
    expect(stretchFor(1)).toBe(4)
  })
})
