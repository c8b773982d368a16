import type { ElementShape, ProcessTemplate } from '@opificio/shared'
import { useState } from 'react'
import { useValue, type Editor, type TLShapeId } from 'tldraw'
import type { Locale } from '../../i18n/strings.ts'
import { useT } from '../../i18n/translate.ts'
import { useUserStore } from '../../user/userStore.ts'
import { focusCanvas, focusInspector } from '../keyboard/focus.ts'
import { connectElements, isElement, labelText } from '../model/model.ts'

function elementName(shape: ElementShape, template: ProcessTemplate, locale: Locale) {
  const kind = template.elementKinds.find((k) => k.id === shape.props.kind)
  const kindLabel = kind ? labelText(kind.label, locale) : shape.props.kind
  const name = shape.props.name.trim()
  return name && name !== kindLabel ? `${name} (${kindLabel})` : kindLabel
}

/** Relates two elements and hands the keyboard to the new relation's type. */
function connect(editor: Editor, from: ElementShape, to: ElementShape) {
  connectElements(editor, from, to)
  focusInspector(editor)
}

/**
 * "Connect to…": the keyboard's way to draw a relation, by naming the other end rather than
 * dragging to it. Lists the page's other elements by name.
 */
export function ConnectField({ editor, shape, template }: { editor: Editor; shape: ElementShape; template: ProcessTemplate }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const others = useValue(
    'other elements',
    () =>
      editor
        .getCurrentPageShapes()
        .filter((s): s is ElementShape => isElement(s) && s.id !== shape.id)
        .map((s) => ({ shape: s, label: elementName(s, template, locale) }))
        .sort((a, b) => a.label.localeCompare(b.label, locale)),
    [editor, shape.id, template, locale]
  )
  const [target, setTarget] = useState('')
  const chosen = others.find((o) => o.shape.id === target)?.shape
  if (others.length === 0) return null
  return (
    <div className="op-field op-connect">
      <label className="op-field">
        {t('inspector.connect.to')}
        <select data-inspector-connect value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">{t('inspector.connect.pick')}</option>
          {others.map((o) => (
            <option key={o.shape.id} value={o.shape.id}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="op-button" disabled={!chosen} onClick={() => chosen && connect(editor, shape, chosen)}>
        {t('inspector.connect')}
      </button>
    </div>
  )
}

/** Two elements selected: relate the first to the second. */
export function PairInspector({ editor, from, to, template }: { editor: Editor; from: ElementShape; to: ElementShape; template: ProcessTemplate }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  return (
    <section className="op-inspector" aria-label={t('inspector.pair')} data-inspector-of="pair">
      <h2>{t('inspector.pair')}</h2>
      <p className="op-inspector__ends">
        {t('inspector.from')}: <strong>{elementName(from, template, locale)}</strong> · {t('inspector.to')}:{' '}
        <strong>{elementName(to, template, locale)}</strong>
      </p>
      <button type="button" className="op-button" data-inspector-primary onClick={() => connect(editor, from, to)}>
        {t('inspector.connect.pair')}
      </button>
    </section>
  )
}

/** Deletes the shape from the inspector, then gives the keyboard back to the canvas. */
export function DeleteButton({ editor, id }: { editor: Editor; id: TLShapeId }) {
  const t = useT()
  return (
    <button
      type="button"
      className="op-button op-inspector__delete"
      onClick={() => {
        editor.markHistoryStoppingPoint('delete from inspector')
        editor.deleteShapes([id])
        focusCanvas(editor)
      }}
    >
      {t('inspector.delete')}
    </button>
  )
}
