import { TEMPLATE_RECORD_ID, templateRecord, type ElementGroup, type ProcessTemplate, type TemplateRecord } from '@opificio/shared'
import { useEffect, useRef, useState } from 'react'
import { useValue, type Editor } from 'tldraw'
import { useT } from '../../i18n/translate.ts'
import { useUserStore } from '../../user/userStore.ts'
import { boardTemplate, labelText } from '../model/model.ts'

const GROUPS: ElementGroup[] = ['place', 'actor', 'governance', 'resource', 'need']
const GROUP_COLORS: Record<ElementGroup, string> = { place: '#6b4f2a', actor: '#2f4858', governance: '#8a1c2b', resource: '#1d6b5f', need: '#b42318' }
const GROUP_ICONS: Record<ElementGroup, string> = { place: 'space', actor: 'person', governance: 'governance', resource: 'service', need: 'need' }

/** A label field that may be empty while you type; only a non-empty label reaches the board. */
function LabelInput({ value, label, onSave }: { value: string; label: string; onSave(v: string): void }) {
  const [text, setText] = useState(value)
  const [focused, setFocused] = useState(false)
  useEffect(() => {
    if (!focused) setText(value)
  }, [value, focused])
  return (
    <input
      value={text}
      maxLength={120}
      aria-label={label}
      onFocus={() => setFocused(true)}
      onBlur={() => setFocused(false)}
      onChange={(e) => {
        setText(e.target.value)
        if (e.target.value.trim()) onSave(e.target.value)
      }}
    />
  )
}

function newId(prefix: string) {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`
}

/**
 * Renames and adds element kinds and production lines on this board. The template is a record of
 * the board, so the change travels like any edit: everyone sees it at once, and undo takes it back.
 */
export function TemplateEditor({ editor, onClose }: { editor: Editor; onClose(): void }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const template = useValue('template', () => boardTemplate(editor), [editor])
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    dialog.current?.showModal()
  }, [])

  const save = (next: Partial<ProcessTemplate>) => {
    const current = (editor.store.get(TEMPLATE_RECORD_ID as never) as TemplateRecord | undefined) ?? templateRecord(template)
    editor.store.put([{ ...current, ...next } as never])
  }
  const relabel = <K extends 'lines' | 'elementKinds'>(list: K, id: string, value: string) => {
    const items = template[list].map((item) => {
      if (item.id !== id) return item
      const label = locale === 'en' ? { ...item.label, en: value } : { ...item.label, it: value }
      return { ...item, label }
    })
    save({ [list]: items } as Partial<ProcessTemplate>)
  }

  return (
    <dialog ref={dialog} className="op-dialog" aria-labelledby="template-title" onClose={onClose}>
      <h2 id="template-title">{t('template.title')}</h2>
      <p>{t('template.body')}</p>
      <section>
        <h3>{t('template.lines')}</h3>
        {template.lines.map((line) => (
          <div key={line.id} className="op-template-row">
            <input
              type="color"
              value={line.color}
              aria-label={labelText(line.label, locale)}
              onChange={(e) => save({ lines: template.lines.map((l) => (l.id === line.id ? { ...l, color: e.target.value } : l)) })}
            />
            <LabelInput value={labelText(line.label, locale)} label={t('template.lines')} onSave={(v) => relabel('lines', line.id, v)} />
          </div>
        ))}
        <button
          type="button"
          className="op-button"
          onClick={() => save({ lines: [...template.lines, { id: newId('linea'), label: { it: t('template.newLine') }, color: '#0f766e' }] })}
        >
          {t('template.addLine')}
        </button>
      </section>
      <section>
        <h3>{t('template.kinds')}</h3>
        {GROUPS.map((group) => (
          <div key={group} className="op-template-group">
            <h4>{t(`group.${group}`)}</h4>
            {template.elementKinds
              .filter((k) => k.group === group)
              .map((kind) => (
                <div key={kind.id} className="op-template-row">
                  <LabelInput value={labelText(kind.label, locale)} label={t(`group.${group}`)} onSave={(v) => relabel('elementKinds', kind.id, v)} />
                  {group === 'actor' && (
                    <select
                      aria-label={t('inspector.sector')}
                      value={kind.sector}
                      onChange={(e) =>
                        save({ elementKinds: template.elementKinds.map((k) => (k.id === kind.id ? { ...k, sector: e.target.value } : k)) })
                      }
                    >
                      {template.sectors.map((s) => (
                        <option key={s.id} value={s.id}>
                          {labelText(s.label, locale)}
                        </option>
                      ))}
                    </select>
                  )}
                </div>
              ))}
            <button
              type="button"
              className="op-button op-button--quiet"
              onClick={() =>
                save({
                  elementKinds: [
                    ...template.elementKinds,
                    {
                      id: newId(group),
                      group,
                      label: { it: t('template.newKind') },
                      sector: group === 'actor' ? (template.sectors[0]?.id ?? '') : '',
                      icon: GROUP_ICONS[group],
                      color: GROUP_COLORS[group],
                    },
                  ],
                })
              }
            >
              {t('template.addKind')}
            </button>
          </div>
        ))}
      </section>
      <form method="dialog">
        <button type="submit" className="op-button op-button--primary">
          {t('template.close')}
        </button>
      </form>
    </dialog>
  )
}
