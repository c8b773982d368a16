import { useValue, type Editor } from 'tldraw'
import { useT } from '../../i18n/translate.ts'
import { useUserStore } from '../../user/userStore.ts'
import { RelationSwatch } from '../shapes/RelationSwatch.tsx'
import { boardTemplate, isArrow, isElement, labelText, relationOf } from '../model/model.ts'

/** Explains the styles actually used on this page: relation types, and sector colours of elements. */
export function Legend({ editor }: { editor: Editor }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
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
  if (used.relations.length === 0 && used.sectors.length === 0) return null
  return (
    <details className="op-legend" open aria-label={t('legend.title')}>
      <summary>{t('legend.title')}</summary>
      {used.relations.length > 0 && (
        <ul aria-label={t('legend.relations')}>
          {used.relations.map((r) => (
            <li key={r.id} data-relation={r.id}>
              <RelationSwatch type={r} />
              {labelText(r.label, locale)}
            </li>
          ))}
        </ul>
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
  )
}
