import { useValue, type Editor } from 'tldraw'
import { useT } from '../../i18n/translate.ts'
import { useUserStore } from '../../user/userStore.ts'
import { RelationLabels } from '../relationLabels/RelationLabels.tsx'
import { useRelationLabels } from '../relationLabels/relationLabelsStore.ts'
import { RelationSwatch } from '../shapes/RelationSwatch.tsx'
import { boardTemplate, isArrow, isElement, labelText, PHONE_INSPECTOR, relationOf } from '../model/model.ts'

/**
 * Explains the styles actually used on this page: relation types, and sector colours of elements;
 * and offers this screen the relation types in words on the arrows.
 */
export function Legend({ editor }: { editor: Editor }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const labelsShown = useRelationLabels((s) => s.show)
  const used = useValue('legend', () => {
    const template = boardTemplate(editor)
    const relations = new Set<string>()
    const sectors = new Set<string>()
    for (const shape of editor.getCurrentPageShapes()) {
      if (isArrow(shape)) {
        const relation = relationOf(shape).relation
        if (relation) relations.add(relation)
      } else if (isElement(shape) && shape.props.sector) sectors.add(shape.props.sector)
    }
    return {
      relations: template.relationTypes.filter((r) => relations.has(r.id)),
      sectors: template.sectors.filter((s) => sectors.has(s.id)),
    }
  }, [editor])
  // On a phone the inspector's sheet and the selection above it take the screen: the legend gives
  // way while the sheet is open (the sheet names the types and sectors it offers), open as it was.
  const underSheet = useValue('inspector sheet open', () => editor.menus.isMenuOpen(PHONE_INSPECTOR), [editor])
  if (used.relations.length === 0 && used.sectors.length === 0) return null
  // A named region, so the legend is a landmark of its own wherever it is shown (over the canvas, beside it).
  return (
    <section className="op-legend" aria-label={t('legend.title')} hidden={underSheet}>
      <details open>
        <summary>{t('legend.title')}</summary>
        {used.relations.length > 0 && (
          <>
            <ul aria-label={t('legend.relations')}>
              {used.relations.map((r) => (
                <li key={r.id} data-relation={r.id}>
                  <RelationSwatch type={r} />
                  {labelText(r.label, locale)}
                </li>
              ))}
            </ul>
            <label className="op-legend__toggle">
              <input type="checkbox" checked={labelsShown} onChange={() => useRelationLabels.getState().toggle()} />
              {t('relationLabels.toggle')}
            </label>
          </>
        )}
        {used.sectors.length > 0 && (
          <ul aria-label={t('legend.sectors')}>
            {used.sectors.map((s) => (
              <li key={s.id}>
                <span className="op-legend__sector" style={{ background: s.color }} />
                {labelText(s.label, locale)}
              </li>
            ))}
          </ul>
        )}
      </details>
      {used.relations.length > 0 && <RelationLabels editor={editor} />}
    </section>
  )
}
