import type { RelationColor } from '@opificio/shared'

/** tldraw's light-theme values of its named colours, for swatches and the legend. */
export const RELATION_HEX: Record<RelationColor, string> = {
  black: '#1d1d1d',
  grey: '#9fa8b2',
  'light-violet': '#e085f4',
  violet: '#ae3ec9',
  blue: '#4465e9',
  'light-blue': '#4ba1f1',
  yellow: '#f1ac4b',
  orange: '#e16919',
  green: '#099268',
  'light-green': '#4cb05e',
  'light-red': '#f87777',
  red: '#e03131',
}
