import { describe, expect, it as test } from 'vitest'
import { parseView, viewId } from './viewId.ts'

describe('a view as a string', () => {
  test('goes there and back', () => {
    for (const h of [
      { by: 'sector', id: 'pubblico' },
      { by: 'line', id: 'l:1' },
      { by: 'relation', id: 'coordina' },
    ] as const) {
      expect(parseView(viewId(h))).toEqual(h)
    }
    expect(viewId({ by: 'none' })).toBeNull()
  })

  test('is nothing when empty or of an unknown kind', () => {
    expect(parseView(null)).toEqual({ by: 'none' })
    expect(parseView('')).toEqual({ by: 'none' })
    expect(parseView('colour:red')).toEqual({ by: 'none' })
    expect(parseView('sector:')).toEqual({ by: 'none' })
    expect(parseView('sector')).toEqual({ by: 'none' })
  })
})
