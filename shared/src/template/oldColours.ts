import type { ProcessTemplate, RelationColor, RelationDash } from './types.ts'

/**
 * The Opificio template's styles before the contrast fix of issue 12. A board keeps its template
 * (and each arrow its style) as it was made, so boards made then still carry these: two sector
 * colours white text could not be read on, and relation styles too faint on white.
 */
const OLD_SECTOR_COLOURS: Record<string, { old: string; now: string }> = {
  'privato-sociale': { old: '#d97706', now: '#b45309' },
  civico: { old: '#2a9d8f', now: '#0f766e' },
}

type RelationStyle = { color: RelationColor; dash: RelationDash }

const OLD_RELATION_STYLES: Record<string, { old: RelationStyle; now: RelationStyle }> = {
  rappresenta: { old: { color: 'grey', dash: 'dotted' }, now: { color: 'black', dash: 'dotted' } },
  invia: { old: { color: 'light-red', dash: 'dashed' }, now: { color: 'orange', dash: 'dashed' } },
  ospita: { old: { color: 'light-violet', dash: 'solid' }, now: { color: 'violet', dash: 'dashed' } },
  finanzia: { old: { color: 'light-green', dash: 'solid' }, now: { color: 'green', dash: 'dashed' } },
  scambia: { old: { color: 'light-blue', dash: 'dotted' }, now: { color: 'blue', dash: 'dotted' } },
}

/**
 * How a relation of this type drawn in this style is shown: the current style in place of exactly
 * the old default one; any other style (a board's own) as it is.
 */
export function currentRelationStyle<S extends { color: string; dash: string }>(relation: unknown, style: S): S {
  const styles = typeof relation === 'string' && Object.hasOwn(OLD_RELATION_STYLES, relation) ? OLD_RELATION_STYLES[relation] : undefined
  if (!styles || styles.old.color !== style.color || styles.old.dash !== style.dash) return style
  // The current style is one of tldraw's colours and dashes, as the old one was.
  return { ...style, ...styles.now }
}

/**
 * The template as it is shown: its old default colours read as the current ones. Only for
 * display; the stored record is left as it is, so every replica keeps folding the same log, and
 * the rules read ids only. Returns the same object when there is nothing to change.
 */
export function withCurrentColours(template: ProcessTemplate): ProcessTemplate {
  const sectorIsOld = (s: ProcessTemplate['sectors'][number]) => OLD_SECTOR_COLOURS[s.id]?.old === s.color.toLowerCase()
  const relationIsOld = (r: ProcessTemplate['relationTypes'][number]) => currentRelationStyle(r.id, r) !== r
  if (!template.sectors.some(sectorIsOld) && !template.relationTypes.some(relationIsOld)) return template
  return {
    ...template,
    sectors: template.sectors.map((s) => (sectorIsOld(s) ? { ...s, color: OLD_SECTOR_COLOURS[s.id].now } : s)),
    relationTypes: template.relationTypes.map((r) => currentRelationStyle(r.id, r)),
  }
}
