import type { ProcessTemplate } from '@opificio/shared'
import { useValue, type Editor, type TLShape } from 'tldraw'
import { create } from 'zustand'
import { useConnectionStore } from '../../connection/connectionStore.ts'
import { useT } from '../../i18n/translate.ts'
import { sessionAccess } from '../../session/sessionRules.ts'
import { sendControl } from '../../session/sessionStore.ts'
import { useSession } from '../../session/useSession.ts'
import { useUserStore } from '../../user/userStore.ts'
import { arrowEnds, boardTemplate, isArrow, isElement, labelText, relationOf } from '../model/model.ts'
import { type Highlight, parseView, viewId } from './viewId.ts'

export type { Highlight } from './viewId.ts'

/**
 * What this screen would highlight by its own choice: one person's view, never stored in the
 * board. The facilitator may show theirs to everyone (the session's highlight), which then wins.
 */
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

/** What this screen shows: the facilitator's view while shared with everyone, otherwise its own choice. */
export function useShownHighlight(editor: Editor): Highlight {
  const own = useViewStore((s) => s.highlight)
  const shared = useSession(editor).highlight
  return shared === null ? own : parseView(shared)
}

/** Fades through CSS on tldraw's shape wrappers, so every kind of shape fades alike and nothing is written. */
export function ViewFader({ editor }: { editor: Editor }) {
  const highlight = useShownHighlight(editor)
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

/** The view picker; hidden on a phone unless its place there hides it already (BoardTools' "Altro"). */
export function ViewControl({ editor, hideOnPhone = true }: { editor: Editor; hideOnPhone?: boolean }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const template = useValue('template', () => boardTemplate(editor), [editor])
  const setHighlight = useViewStore((s) => s.setHighlight)
  const shown = useShownHighlight(editor)
  const session = useSession(editor)
  const role = useConnectionStore((s) => s.role)
  const { viewLocked } = sessionAccess(role, session)
  const sharing = session.highlight !== null
  const groups = options(template, locale)
  return (
    <label className={hideOnPhone ? 'op-bar-field op-tools__wide' : 'op-bar-field'} data-shared={sharing || undefined}>
      <span>{t('view.label')}</span>
      <select
        value={viewId(shown) ?? ''}
        disabled={viewLocked}
        aria-describedby={viewLocked ? 'op-view-shared' : undefined}
        onChange={(e) => {
          const next = parseView(e.target.value)
          setHighlight(next)
          // The facilitator showing their view to everyone changes it for everyone.
          if (sharing) sendControl({ action: 'highlight', view: viewId(next) })
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
      {sharing && (
        <span id="op-view-shared" className="op-view-shared">
          {t(viewLocked ? 'session.highlight.locked' : 'session.highlight.sharing')}
        </span>
      )}
    </label>
  )
}
