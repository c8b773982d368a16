import type { TLArrowShape } from 'tldraw'
import { describe, expect, it } from 'vitest'
import { RELATION_HEX } from '../shapes/tldrawColors.ts'
import { drawnArrow } from './relationArrow.ts'

/** WCAG 2.1's contrast of a colour written #rrggbb against white. */
function contrastOnWhite(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)
}

const arrow = (relation: string | undefined, color: string, dash: string) =>
  ({ id: 'shape:a', type: 'arrow', meta: relation ? { relation } : {}, props: { color, dash, size: 'm' } }) as unknown as TLArrowShape

describe('an arrow of a board made before the contrast fix', () => {
  it('is drawn in the current style of its type, at 3:1 against white, and stays stored as it was', () => {
    for (const [relation, color, dash] of [
      ['ospita', 'light-violet', 'solid'],
      ['scambia', 'light-blue', 'dotted'],
      ['finanzia', 'light-green', 'solid'],
      ['invia', 'light-red', 'dashed'],
      ['rappresenta', 'grey', 'dotted'],
    ] as const) {
      const stored = arrow(relation, color, dash)
      const drawn = drawnArrow(stored)
      expect(contrastOnWhite(RELATION_HEX[color]), `${relation} as stored`).toBeLessThan(3)
      expect(contrastOnWhite(RELATION_HEX[drawn.props.color as keyof typeof RELATION_HEX]), relation).toBeGreaterThanOrEqual(3)
      expect(stored.props).toMatchObject({ color, dash })
      expect(drawnArrow(stored)).toBe(drawn)
    }
    expect(drawnArrow(arrow('ospita', 'light-violet', 'solid')).props).toMatchObject({ color: 'violet', dash: 'dashed', size: 'm' })
  })

  it('leaves any other arrow as it is', () => {
    for (const stored of [arrow(undefined, 'light-blue', 'dotted'), arrow('coordina', 'black', 'solid'), arrow('ospita', 'light-violet', 'draw')])
      expect(drawnArrow(stored)).toBe(stored)
  })
})
