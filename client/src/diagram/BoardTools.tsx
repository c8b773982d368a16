import { useState } from 'react'
import { useValue, type Editor } from 'tldraw'
import { useT } from '../i18n/translate.ts'
import { useUserStore } from '../user/userStore.ts'
import { boardTemplate, labelText } from './model/model.ts'
import { insertPhase } from './phases/phases.ts'
import { TemplateEditor } from './template/TemplateEditor.tsx'
import { ViewControl } from './highlight/views.tsx'

/** The board's own tools in the top bar: views, phase templates, the template's types and lines. */
export function BoardTools({ editor, paletteOpen, onTogglePalette }: { editor: Editor; paletteOpen: boolean; onTogglePalette(): void }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const phases = useValue('phases', () => boardTemplate(editor).phases, [editor])
  const [editing, setEditing] = useState(false)
  return (
    <div className="op-tools">
      <button type="button" className="op-button" aria-pressed={paletteOpen} aria-label={t('palette.toggle.label')} onClick={onTogglePalette}>
        {t('palette.toggle')}
      </button>
      <ViewControl editor={editor} />
      <select
        className="op-bar-select op-tools__wide"
        aria-label={t('phase.insert.label')}
        value=""
        onChange={(e) => {
          if (e.target.value) insertPhase(editor, Number(e.target.value), locale)
        }}
      >
        <option value="">{t('phase.insert')}</option>
        {phases.map((p) => (
          <option key={p.id} value={p.number}>
            {t('phase.option', { number: p.number, label: labelText(p.label, locale) })}
          </option>
        ))}
      </select>
      <button type="button" className="op-button op-tools__wide" aria-label={t('template.edit.label')} onClick={() => setEditing(true)}>
        {t('template.edit')}
      </button>
      {editing && <TemplateEditor editor={editor} onClose={() => setEditing(false)} />}
    </div>
  )
}
