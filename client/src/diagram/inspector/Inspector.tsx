import type { ElementShape, ProcessTemplate, RelationMeta, RelationType } from '@opificio/shared'
import { DefaultStylePanel, useEditor, useValue, type Editor, type TLArrowShape, type TLUiStylePanelProps } from 'tldraw'
import type { Locale } from '../../i18n/strings.ts'
import { useT } from '../../i18n/translate.ts'
import { roleUi } from '../../board/roleUi.ts'
import { useConnectionStore } from '../../connection/connectionStore.ts'
import { useUserStore } from '../../user/userStore.ts'
import { useRef, useState } from 'react'
import {
  arrowEnds,
  boardTemplate,
  isArrow,
  isElement,
  labelText,
  relationOf,
  retypeLosesCommitment,
  reverseRelation,
  setRelationType,
} from '../model/model.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import { ConnectField, DeleteButton, PairInspector } from './actions.tsx'
import { RelationTypePicker } from './RelationTypePicker.tsx'
import { useSelectionAboveSheet } from './useSelectionAboveSheet.ts'
import './sheet.css'

function toggle(list: string[], id: string) {
  return list.includes(id) ? list.filter((x) => x !== id) : [...list, id]
}

function LinesField({
  template,
  value,
  onChange,
  locale,
}: {
  template: ProcessTemplate
  value: string[]
  onChange(v: string[]): void
  locale: Locale
}) {
  const t = useT()
  return (
    <fieldset className="op-field">
      <legend>{t('inspector.lines')}</legend>
      {template.lines.map((line) => (
        <label key={line.id} className="op-check">
          <input type="checkbox" checked={value.includes(line.id)} onChange={() => onChange(toggle(value, line.id))} />
          <span className="op-check__dot" style={{ background: line.color }} />
          {labelText(line.label, locale)}
        </label>
      ))}
    </fieldset>
  )
}

function ElementInspector({ editor, shape, template }: { editor: Editor; shape: ElementShape; template: ProcessTemplate }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const update = (props: Partial<ElementShape['props']>) => editor.updateShape<ElementShape>({ id: shape.id, type: 'element', props })
  const nameInput = useRef<HTMLInputElement>(null)
  const kind = template.elementKinds.find((k) => k.id === shape.props.kind)
  const sameGroup = template.elementKinds.filter((k) => k.group === kind?.group)
  return (
    <section className="op-inspector" aria-label={t('inspector.element')} data-inspector-of={shape.id}>
      <h2>{t('inspector.element')}</h2>
      <label className="op-field">
        {t('inspector.name')}
        <input
          ref={nameInput}
          data-inspector-primary
          value={shape.props.name}
          maxLength={200}
          onFocus={() => editor.markHistoryStoppingPoint('rename')}
          onChange={(e) => update({ name: e.target.value })}
        />
      </label>
      <label className="op-field">
        {t('inspector.kind')}
        <select value={shape.props.kind} onChange={(e) => update({ kind: e.target.value })}>
          {sameGroup.map((k) => (
            <option key={k.id} value={k.id}>
              {labelText(k.label, locale)}
            </option>
          ))}
        </select>
      </label>
      <label className="op-field">
        {t('inspector.sector')}
        <select value={shape.props.sector} onChange={(e) => update({ sector: e.target.value })}>
          <option value="">{t('inspector.sector.none')}</option>
          {template.sectors.map((s) => (
            <option key={s.id} value={s.id}>
              {labelText(s.label, locale)}
            </option>
          ))}
        </select>
      </label>
      <LinesField template={template} value={shape.props.lines} onChange={(lines) => update({ lines })} locale={locale} />
      <label className="op-field">
        {t('inspector.notes')}
        <textarea
          rows={3}
          maxLength={4000}
          value={shape.props.notes}
          onFocus={() => editor.markHistoryStoppingPoint('notes')}
          onChange={(e) => update({ notes: e.target.value })}
        />
      </label>
      <ConnectField editor={editor} shape={shape} template={template} />
      <DeleteButton editor={editor} id={shape.id} />
    </section>
  )
}

function RelationInspector({ editor, arrow, template }: { editor: Editor; arrow: TLArrowShape; template: ProcessTemplate }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const meta = relationOf(arrow)
  const type = template.relationTypes.find((r) => r.id === meta.relation)
  const ends = useValue('ends', () => arrowEnds(editor, arrow), [editor, arrow])
  const endName = (s: ReturnType<typeof arrowEnds>['start']) => (isElement(s) ? s.props.name : s ? s.type : t('inspector.unbound'))
  const setMeta = (next: RelationMeta) => editor.updateShape<TLArrowShape>({ id: arrow.id, type: 'arrow', meta: { ...meta, ...next } as never })
  const commitment = meta.commitment ?? { what: '', by: '', resources: '' }
  // The type the person chose, held while they confirm that its commitment may go.
  const [pending, setPending] = useState<RelationType | null>(null)
  const choose = (next: RelationType) => {
    if (next.id === meta.relation) return
    if (retypeLosesCommitment(meta, next)) setPending(next)
    else setRelationType(editor, arrow, next)
  }
  return (
    <section className="op-inspector" aria-label={t('inspector.relation')} data-inspector-of={arrow.id}>
      <h2>{type ? labelText(type.label, locale) : t('relation.pick')}</h2>
      <p className="op-inspector__ends">
        {t('inspector.from')}: <strong>{endName(ends.start)}</strong> · {t('inspector.to')}: <strong>{endName(ends.end)}</strong>
      </p>
      <button type="button" className="op-button op-inspector__reverse" onClick={() => reverseRelation(editor, arrow)}>
        {t('inspector.reverse')}
      </button>
      <RelationTypePicker types={template.relationTypes} value={meta.relation} onChoose={choose} />
      {type?.commitment && (
        <fieldset className="op-field">
          <legend>{labelText(type.label, locale)}</legend>
          {(['what', 'by', 'resources'] as const).map((field) => (
            <label key={field} className="op-field">
              {t(`inspector.commitment.${field}`)}
              <input
                data-commitment={field}
                value={commitment[field]}
                maxLength={1000}
                onFocus={() => editor.markHistoryStoppingPoint('commitment')}
                onChange={(e) => setMeta({ commitment: { ...commitment, [field]: e.target.value } })}
              />
            </label>
          ))}
        </fieldset>
      )}
      <LinesField template={template} value={meta.lines ?? []} onChange={(lines) => setMeta({ lines })} locale={locale} />
      <DeleteButton editor={editor} id={arrow.id} />
      {pending && (
        <ConfirmDialog
          title={t('inspector.retype.title')}
          body={t('inspector.retype.body', {
            from: type ? labelText(type.label, locale) : '',
            to: labelText(pending.label, locale),
          })}
          confirm={t('inspector.retype.confirm')}
          cancel={t('inspector.retype.cancel')}
          onConfirm={() => {
            setRelationType(editor, arrow, pending)
            setPending(null)
          }}
          onCancel={() => setPending(null)}
        />
      )}
    </section>
  )
}

/**
 * tldraw's style panel, replaced by the domain's fields when one element, one relation or two
 * elements are selected. On a phone tldraw opens it in a popover: there it is a sheet along the
 * bottom, and what it edits stays in sight above it.
 */
export function InspectorPanel({ isMobile }: TLUiStylePanelProps) {
  const editor = useEditor()
  const template = useValue('template', () => boardTemplate(editor), [editor])
  const only = useValue('selected', () => (editor.getSelectedShapeIds().length === 1 ? editor.getOnlySelectedShape() : undefined), [editor])
  // Two elements: what a relation between them needs, in the order they were selected.
  const pair = useValue('selected pair', () => {
    const shapes = editor.getSelectedShapes()
    return shapes.length === 2 && shapes.every(isElement) ? (shapes as [ElementShape, ElementShape]) : null
  }, [editor])
  // Locked shapes (or ones in a locked frame) are the facilitator's to change: others get no controls for them.
  const canLock = useConnectionStore((s) => roleUi(s.role).lock)
  const locked = useValue('selection locked', () => editor.getSelectedShapes().some((s) => editor.isShapeOrAncestorLocked(s)), [editor])
  const hidden = locked && !canLock
  const ours = !hidden && (isElement(only ?? undefined) || isArrow(only ?? undefined) || pair !== null)
  useSelectionAboveSheet(editor, Boolean(isMobile) && ours)
  if (hidden) return null
  if (isElement(only ?? undefined)) return <ElementInspector editor={editor} shape={only as ElementShape} template={template} />
  if (isArrow(only ?? undefined)) return <RelationInspector editor={editor} arrow={only as TLArrowShape} template={template} />
  if (pair) return <PairInspector editor={editor} from={pair[0]} to={pair[1]} template={template} />
  return <DefaultStylePanel />
}
