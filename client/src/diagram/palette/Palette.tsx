import type { ElementGroup, ElementKind } from '@opificio/shared'
import { useEffect, useMemo, useState, type DragEvent } from 'react'
import { useValue, type Editor } from 'tldraw'
import { useT } from '../../i18n/translate.ts'
import { useUserStore } from '../../user/userStore.ts'
import { Icon } from '../shapes/icons.tsx'
import { boardTemplate, labelText, PHONE_INSPECTOR } from '../model/model.ts'
import { dropSpot, placeElement, placementSpot } from '../model/placement.ts'

export const KIND_MIME = 'application/x-opificio-kind'
const GROUPS: ElementGroup[] = ['place', 'actor', 'governance', 'resource', 'need']

function normalise(s: string) {
  return s
    .toLocaleLowerCase('it')
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
}

/** The kinds of the board's template, grouped, filtered by a search box; click or drag to place. */
export function Palette({ editor, onPlaced }: { editor: Editor; onPlaced?(): void }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const template = useValue('template', () => boardTemplate(editor), [editor])
  const [query, setQuery] = useState('')
  // A finger has no A key and no double click: the hint names the gestures of the screen in hand.
  const touch = useValue('coarse pointer', () => editor.getInstanceState().isCoarsePointer, [editor])
  // On a phone the palette lies over the canvas: it gives way to the inspector's sheet, so that what
  // the sheet edits shows (onPlaced is what closes the palette there).
  const underSheet = useValue('inspector sheet open', () => editor.menus.isMenuOpen(PHONE_INSPECTOR), [editor])
  useEffect(() => {
    if (underSheet) onPlaced?.()
  }, [underSheet, onPlaced])

  const groups = useMemo(() => {
    const q = normalise(query.trim())
    const sectorLabel = (k: ElementKind) => template.sectors.find((s) => s.id === k.sector)
    return GROUPS.map((group) => ({
      group,
      kinds: template.elementKinds.filter((k) => {
        if (k.group !== group) return false
        if (!q) return true
        const sector = sectorLabel(k)
        const words = [labelText(k.label, locale), k.label.it, k.label.en ?? '', sector ? labelText(sector.label, locale) : '', t(`group.${group}`)]
        return words.some((w) => normalise(w).includes(q))
      }),
    })).filter((g) => g.kinds.length > 0)
  }, [template, query, locale, t])

  const place = (kind: ElementKind) => {
    placeElement(editor, kind, placementSpot(editor, kind), locale)
    // Back to the canvas, so Escape, Delete and the tool keys act on what was just placed.
    editor.getContainer().focus()
    editor.focus()
    onPlaced?.()
  }
  const startDrag = (kind: ElementKind) => (e: DragEvent) => {
    e.dataTransfer.setData(KIND_MIME, kind.id)
    e.dataTransfer.effectAllowed = 'copy'
  }

  return (
    <nav className="op-palette" aria-label={t('palette.title')}>
      <input
        type="search"
        className="op-palette__search"
        placeholder={t('palette.search')}
        aria-label={t('palette.search.label')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <p className="op-palette__hint">{t(touch ? 'palette.hint.touch' : 'palette.hint')}</p>
      {groups.length === 0 && <p className="op-palette__empty">{t('palette.empty', { query })}</p>}
      {groups.map(({ group, kinds }) => (
        <section key={group} className="op-palette__group">
          <h2>{t(`group.${group}`)}</h2>
          <ul>
            {kinds.map((kind) => {
              const sector = template.sectors.find((s) => s.id === kind.sector)
              return (
                <li key={kind.id}>
                  <button
                    type="button"
                    className="op-palette__item"
                    draggable
                    onDragStart={startDrag(kind)}
                    onClick={() => place(kind)}
                    data-kind={kind.id}
                  >
                    <span className="op-palette__icon" style={{ background: kind.color }}>
                      <Icon name={kind.icon} size={16} color="#fff" />
                    </span>
                    <span className="op-palette__label">{labelText(kind.label, locale)}</span>
                    {sector && <span className="op-palette__sector" style={{ background: sector.color }} title={labelText(sector.label, locale)} />}
                  </button>
                </li>
              )
            })}
          </ul>
        </section>
      ))}
    </nav>
  )
}

/** Lets the canvas take kinds dragged from the palette; everything else goes on to tldraw. */
export function paletteDropHandlers(editor: Editor | null, locale: 'it' | 'en') {
  const ours = (e: DragEvent) => e.dataTransfer.types.includes(KIND_MIME)
  return {
    onDragOverCapture: (e: DragEvent) => {
      if (!editor || !ours(e)) return
      e.preventDefault()
      e.stopPropagation()
      e.dataTransfer.dropEffect = 'copy'
    },
    onDropCapture: (e: DragEvent) => {
      if (!editor || !ours(e)) return
      e.preventDefault()
      e.stopPropagation()
      const kind = boardTemplate(editor).elementKinds.find((k) => k.id === e.dataTransfer.getData(KIND_MIME))
      if (kind) placeElement(editor, kind, dropSpot(editor, editor.screenToPage({ x: e.clientX, y: e.clientY })), locale)
    },
  }
}
