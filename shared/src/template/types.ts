/** A label in the languages the UI speaks: Italian always, English when someone wrote it. */
export interface Label {
  it: string
  en?: string
}

export type ElementGroup = 'place' | 'actor' | 'governance' | 'resource' | 'need'

export interface Sector {
  id: string
  label: Label
  color: string
}

export interface ProductionLine {
  id: string
  label: Label
  color: string
}

export interface ElementKind {
  id: string
  group: ElementGroup
  label: Label
  /** The sector an element of this kind starts with (actors); '' for none. */
  sector: string
  /** One of the icons the client draws (see client/src/diagram/icons.tsx). */
  icon: string
  color: string
}

export type RelationDirection = 'directed' | 'mutual' | 'either'
export type RelationDash = 'solid' | 'dashed' | 'dotted'

/** tldraw's named colours: arrows can only be drawn in these, so relation styles use them. */
export const RELATION_COLORS = [
  'black',
  'grey',
  'light-violet',
  'violet',
  'blue',
  'light-blue',
  'yellow',
  'orange',
  'green',
  'light-green',
  'light-red',
  'red',
] as const
export type RelationColor = (typeof RELATION_COLORS)[number]

export interface RelationType {
  id: string
  label: Label
  color: RelationColor
  dash: RelationDash
  direction: RelationDirection
  /** A pact commitment: the relation carries what, by when, with which resources. */
  commitment: boolean
}

export interface Phase {
  id: string
  number: number
  label: Label
  objective: Label
  question: Label
}

/**
 * What a participatory process names and how: element kinds, sectors, production lines, relation
 * types and their styles, phases. Data, not code: a board carries its own copy, which a
 * facilitator can extend while everyone watches.
 */
export interface ProcessTemplate {
  name: Label
  sectors: Sector[]
  lines: ProductionLine[]
  elementKinds: ElementKind[]
  relationTypes: RelationType[]
  phases: Phase[]
}
