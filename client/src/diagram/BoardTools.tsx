import { useState } from 'react'
import { useValue, type Editor } from 'tldraw'
import type { RoleUi } from '../board/roleUi.ts'
import { useT } from '../i18n/translate.ts'
import { SessionButton } from '../session/SessionPanel.tsx'
import { useUserStore } from '../user/userStore.ts'
import { boardTemplate, labelText } from './model/model.ts'
import { insertPhase } from './phases/phases.ts'
import { TemplateEditor } from './template/TemplateEditor.tsx'
import { ViewControl } from './highlight/views.tsx'
import './tools.css'

/**
 * The board's own tools in the top bar: views, phase templates, the template's types and lines,
 * locking. Only what the role may do is offered (the server refuses the rest anyway).
 */
export function BoardTools({
  editor,
  ui,
  paletteOpen,
  onTogglePalette,
}: {
  editor: Editor
  ui: RoleUi
  paletteOpen: boolean
  onTogglePalette(): void
}) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const phases = useValue('phases', () => boardTemplate(editor).phases, [editor])
  const [editing, setEditing] = useState(false)
  // On a phone the bar has room for the everyday tools only: the rest wait behind "Altro", so a
  // narrow screen loses none of them (WCAG 1.4.10).
  const [more, setMore] = useState(false)
  return (
    <div className="op-tools">
      {ui.editDiagram && (
        <button type="button" className="op-button" aria-pressed={paletteOpen} aria-label={t('palette.toggle.label')} onClick={onTogglePalette}>
          {t('palette.toggle')}
        </button>
      )}
      <button
        type="button"
        className="op-button op-tools__more-toggle"
        aria-expanded={more}
        aria-controls="op-tools-more"
        onClick={() => setMore((m) => !m)}
      >
        {t('tools.more')}
      </button>
      <div id="op-tools-more" className="op-tools__more" data-open={more || undefined}>
        <ViewControl editor={editor} hideOnPhone={false} />
        {ui.insertPhases && (
          <select
            className="op-bar-select"
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
        )}
        {ui.editTemplate && (
          <button type="button" className="op-button" aria-label={t('template.edit.label')} onClick={() => setEditing(true)}>
            {t('template.edit')}
          </button>
        )}
      </div>
      {ui.lock && <LockToggle editor={editor} />}
      {editing && ui.editTemplate && <TemplateEditor editor={editor} onClose={() => setEditing(false)} />}
      {ui.facilitate && <SessionButton editor={editor} />}
    </div>
  )
}

/** Locks the selection, or unlocks it when all of it is locked: as tldraw's Shift+L does. */
function LockToggle({ editor }: { editor: Editor }) {
  const t = useT()
  const selection = useValue('lock state', () => {
    const shapes = editor.getSelectedShapes()
    return shapes.length === 0 ? 'none' : shapes.every((s) => s.isLocked) ? 'locked' : 'unlocked'
  }, [editor])
  if (selection === 'none') return null
  const unlock = selection === 'locked'
  return (
    <button
      type="button"
      className="op-button"
      aria-pressed={unlock}
      aria-label={t(unlock ? 'lock.unlock.label' : 'lock.lock.label')}
      onClick={() => {
        editor.markHistoryStoppingPoint('locking')
        editor.toggleLock(editor.getSelectedShapeIds())
      }}
    >
      {t(unlock ? 'lock.unlock' : 'lock.lock')}
    </button>
  )
}
