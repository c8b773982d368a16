import type { ProcessTemplate } from '@opificio/shared'
import { useValue, type Editor, type TLShape } from 'tldraw'
import { create } from 'zustand'
import { useT } from '../../i18n/translate.ts'
import { useUserStore } from '../../user/userStore.ts'
import { arrowEnds, boardTemplate, isArrow, isElement, labelText, relationOf } from '../model/model.ts'

export type Highlight = { by: 'none' } | { by: 'sector' | 'line' | 'relation'; id: string }

/** What this screen highlights: one person's view, never shared and never stored in the board. */
export const useViewStore = create<{ highlight: Highlight; setHighlight(h: Highlight): void }>()((set) => ({
  highlight: { by: 'none' },
  setHighlight: (highlight) => set({ highlight }),
}))

/** Structure stays visible whatever is highlighted: frames, the balance and pact tables. */
const ALWAYS_SHOWN = new Set(['frame', 'balance', 'pact'])

function matches(shape: TLShape, h: Exclude<Highlight, { by: 'none' }>): boolean {
  if (isElement(shape)) {
    if (h.by === 'sector') return shape.props.sector === h.id
    if (h.by === 'line') return shape.props.lines.includes(h.id)
    return false
  }
  if (isArrow(shape)) {
    const meta = relationOf(shape)
    if (h.by === 'relation') return meta.relation === h.id
    if (h.by === 'line') return (meta.lines ?? []).includes(h.id)
    return false
  }
  return false
}

/** The shapes to fade: everything that neither matches nor touches something that matches. */
export function fadedShapeIds(editor: Editor, h: Highlight): string[] {
  if (h.by === 'none') return []
  const shapes = editor.getCurrentPageShapes()
  const lit = new Set(shapes.filter((s) => matches(s, h)).map((s) => s.id))
  for (const s of shapes) {
    if (!isArrow(s)) continue
    const { start, end } = arrowEnds(editor, s)
    // A relation between highlighted elements stays; the elements a highlighted relation joins stay.
    if (h.by === 'sector' && start && end && lit.has(start.id) && lit.has(end.id)) lit.add(s.id)
    if (h.by === 'relation' && lit.has(s.id)) for (const end2 of [start, end]) if (end2) lit.add(end2.id)
  }
  return shapes.filter((s) => !lit.has(s.id) && !ALWAYS_SHOWN.has(s.type)).map((s) => s.id)
}

/** Fades through CSS on tldraw's shape wrappers, so every kind of shape fades alike and nothing is written. */
export function ViewFader({ editor }: { editor: Editor }) {
  const highlight = useViewStore((s) => s.highlight)
  const faded = useValue('faded', () => fadedShapeIds(editor, highlight), [editor, highlight])
  if (faded.length === 0) return null
  const selector = faded.map((id) => `.tl-shape[data-shape-id="${CSS.escape(id)}"]`).join(',\n')
  // tldraw sets each wrapper's opacity inline; only !important outranks it.
  return <style>{`${selector} { opacity: 0.12 !important; transition: opacity 0.2s; }`}</style>
}

function options(template: ProcessTemplate, locale: 'it' | 'en') {
  return {
    sector: template.sectors.map((s) => ({ id: s.id, label: labelText(s.label, locale) })),
    line: template.lines.map((l) => ({ id: l.id, label: labelText(l.label, locale) })),
    relation: template.relationTypes.map((r) => ({ id: r.id, label: labelText(r.label, locale) })),
  }
}

export function ViewControl({ editor }: { editor: Editor }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const template = useValue('template', () => boardTemplate(editor), [editor])
  const { highlight, setHighlight } = useViewStore()
  const value = highlight.by === 'none' ? '' : `${highlight.by}:${highlight.id}`
  const groups = options(template, locale)
  return (
    <label className="op-bar-field op-tools__wide">
      <span>{t('view.label')}</span>
      <select
        value={value}
        onChange={(e) => {
          const [by, id] = e.target.value.split(':') as ['sector' | 'line' | 'relation', string]
          setHighlight(e.target.value ? { by, id } : { by: 'none' })
        }}
      >
        <option value="">{t('view.none')}</option>
        {(['sector', 'line', 'relation'] as const).map((by) => (
          <optgroup key={by} label={t(`view.${by}`)}>
            {groups[by].map((o) => (
              <option key={o.id} value={`${by}:${o.id}`}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  )
}
