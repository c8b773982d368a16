import type { RelationType } from '@opificio/shared'
import { RELATION_HEX } from './tldrawColors.ts'

const DASH = { solid: undefined, dashed: '7 5', dotted: '1.5 4.5' } as const

/** A short sample of how a relation type is drawn: colour, dash, arrowheads. */
export function RelationSwatch({ type, width = 44 }: { type: RelationType; width?: number }) {
  const color = RELATION_HEX[type.color]
  const head = (x: number, dir: 1 | -1) => `M${x - 7 * dir} 3 L${x} 8 L${x - 7 * dir} 13`
  return (
    <svg width={width} height={16} viewBox={`0 0 ${width} 16`} aria-hidden="true" className="op-swatch">
      <line x1={3} y1={8} x2={width - 3} y2={8} stroke={color} strokeWidth={2.5} strokeDasharray={DASH[type.dash]} strokeLinecap="round" />
      {type.direction !== 'either' && <path d={head(width - 3, 1)} stroke={color} strokeWidth={2.2} fill="none" />}
      {type.direction === 'mutual' && <path d={head(3, -1)} stroke={color} strokeWidth={2.2} fill="none" />}
    </svg>
  )
}
