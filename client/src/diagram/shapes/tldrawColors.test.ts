import { OPIFICIO_TEMPLATE, RELATION_COLORS } from '@opificio/shared'
import { DEFAULT_THEME, getColorValue } from 'tldraw'
import { describe, expect, it } from 'vitest'
import { RELATION_HEX } from './tldrawColors.ts'

/** WCAG 2.1's relative luminance of an sRGB colour written #rrggbb. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

const WHITE = '#ffffff'
/** The sector pill's text colour (ElementShapeUtil and its export draw it white). */
const PILL_TEXT = '#ffffff'
/** The relation label's text and background (relationLabels in styles.css). */
const LABEL = { text: '#1b1f24', background: '#ffffff' }

describe('colours of the Opificio template (WCAG 2.1 AA)', () => {
  it('draws each named colour as tldraw does in its light theme', () => {
    for (const color of RELATION_COLORS)
      expect(RELATION_HEX[color], color).toBe(getColorValue(DEFAULT_THEME.colors.light, color, 'solid').toLowerCase())
  })

  it('has sector pills whose text reads at 4.5:1, and sector bands at 3:1 against white', () => {
    for (const sector of OPIFICIO_TEMPLATE.sectors) {
      expect(contrast(sector.color, PILL_TEXT), sector.id).toBeGreaterThanOrEqual(4.5)
      expect(contrast(sector.color, WHITE), sector.id).toBeGreaterThanOrEqual(3)
    }
  })

  it('has production-line tags whose coloured text reads at 4.5:1 on white', () => {
    for (const line of OPIFICIO_TEMPLATE.lines) expect(contrast(line.color, WHITE), line.id).toBeGreaterThanOrEqual(4.5)
  })

  it('draws every relation type at 3:1 against white, and against the canvas', () => {
    const canvas = DEFAULT_THEME.colors.light.background
    for (const type of OPIFICIO_TEMPLATE.relationTypes) {
      expect(contrast(RELATION_HEX[type.color], WHITE), type.id).toBeGreaterThanOrEqual(3)
      expect(contrast(RELATION_HEX[type.color], canvas), type.id).toBeGreaterThanOrEqual(3)
    }
  })

  it('tells relation types apart by more than colour: no two share colour, dash and heads', () => {
    const styles = OPIFICIO_TEMPLATE.relationTypes.map((r) => `${r.color} ${r.dash} ${r.direction}`)
    expect(new Set(styles).size).toBe(styles.length)
  })

  it('writes relation names on the arrows at 4.5:1', () => {
    expect(contrast(LABEL.text, LABEL.background)).toBeGreaterThanOrEqual(4.5)
  })
})
