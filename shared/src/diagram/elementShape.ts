import type { RecordProps, TLShape } from '@tldraw/tlschema'
import { T } from '@tldraw/validate'

/** The custom shape for every actor, place, body, resource and need on a governance diagram. */
export const ELEMENT_SHAPE = 'element'

export interface ElementShapeProps {
  w: number
  h: number
  /** An element kind of the board's template. */
  kind: string
  name: string
  /** A sector of the board's template, or '' for none. */
  sector: string
  /** Production lines of the board's template. */
  lines: string[]
  notes: string
}

declare module '@tldraw/tlschema' {
  interface TLGlobalShapePropsMap {
    [ELEMENT_SHAPE]: ElementShapeProps
  }
}

export type ElementShape = TLShape<typeof ELEMENT_SHAPE>

const bounded = (max: number) =>
  T.string.check((s) => {
    if (s.length > max) throw new Error(`at most ${max} characters`)
  })

export const elementShapeProps: RecordProps<ElementShape> = {
  w: T.nonZeroNumber,
  h: T.nonZeroNumber,
  kind: bounded(48),
  name: bounded(200),
  sector: bounded(48),
  lines: T.arrayOf(bounded(48)),
  notes: bounded(4000),
}

/** What a relation (a tldraw arrow) carries in its meta: its type, lines and, for a commitment, the pact row. */
export interface RelationMeta {
  relation?: string
  lines?: string[]
  commitment?: { what: string; by: string; resources: string }
}
