/** What a screen highlights ("Evidenzia"): nothing, or the elements of a sector, a line or a relation type. */
export type Highlight = { by: 'none' } | { by: 'sector' | 'line' | 'relation'; id: string }

const KINDS = new Set(['sector', 'line', 'relation'])

/** A view as one string, `sector:<id>`: the selector's value and what the facilitator shares with everyone. */
export function viewId(h: Highlight): string | null {
  return h.by === 'none' ? null : `${h.by}:${h.id}`
}

/** A view from its string; nothing for null or a string of no known kind. */
export function parseView(view: string | null | undefined): Highlight {
  if (!view) return { by: 'none' }
  const at = view.indexOf(':')
  const by = view.slice(0, at)
  const id = view.slice(at + 1)
  if (at < 0 || !KINDS.has(by) || !id) return { by: 'none' }
  return { by: by as 'sector' | 'line' | 'relation', id }
}
