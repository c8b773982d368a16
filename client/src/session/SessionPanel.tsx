import type { ControlMessage } from '@opificio/shared'
import { useEffect, useId, useState } from 'react'
import { useValue, type Editor } from 'tldraw'
import { useConnectionStore } from '../connection/connectionStore.ts'
import { boardTemplate, labelText } from '../diagram/model/model.ts'
import { useViewStore } from '../diagram/highlight/views.tsx'
import { viewId } from '../diagram/highlight/viewId.ts'
import { useT } from '../i18n/translate.ts'
import { useUserStore } from '../user/userStore.ts'
import { phaseTarget, selectionTarget, viewTarget } from './phaseTargets.ts'
import { sendControl } from './sessionStore.ts'
import { minutesToMs } from './timer.ts'
import { useSession } from './useSession.ts'
import { VotePanel } from './VotePanel.tsx'

const ONE_MINUTE = 60_000

/** "Sessione": the facilitator's button in the top bar, opening the session's controls. */
export function SessionButton({ editor }: { editor: Editor }) {
  const t = useT()
  const [open, setOpen] = useState(false)
  const panelId = useId()
  return (
    <>
      <button
        type="button"
        className="op-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={t('session.open.label')}
        onClick={() => setOpen((o) => !o)}
      >
        {t('session.open')}
      </button>
      {open && <SessionPanel id={panelId} editor={editor} onClose={() => setOpen(false)} />}
    </>
  )
}

/**
 * The facilitator's controls of the live session. Not a modal: the facilitator moves the board,
 * selects a frame, then brings everyone there. Each control goes to the server, which writes the
 * session for everyone; nothing changes here until it is back, so every screen shows the same.
 */
function SessionPanel({ id, editor, onClose }: { id: string; editor: Editor; onClose(): void }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const session = useSession(editor)
  const online = useConnectionStore((s) => s.sync.connection === 'online')
  const phases = useValue('phases', () => boardTemplate(editor).phases, [editor])
  const phaseFrames = useValue('phase frames', () => phases.filter((p) => phaseTarget(editor, p.number) !== null).map((p) => p.number), [
    editor,
    phases,
  ])
  const hasSelection = useValue('has selection', () => selectionTarget(editor) !== null, [editor])
  const ownView = useViewStore((s) => viewId(s.highlight))
  const [minutes, setMinutes] = useState('5')
  const [confirming, setConfirming] = useState(false)
  const { timer } = session
  const send = (message: ControlMessage) => online && sendControl(message)
  const timerMs = minutesToMs(minutes)

  useEffect(() => {
    const close = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    window.addEventListener('keydown', close)
    return () => window.removeEventListener('keydown', close)
  }, [onClose])

  return (
    <section id={id} className="op-session" aria-labelledby={`${id}-title`}>
      <div className="op-session__head">
        <h2 id={`${id}-title`}>{t('session.title')}</h2>
        <button type="button" className="op-button op-button--quiet" onClick={onClose}>
          {t('session.close')}
        </button>
      </div>
      {!online && (
        <p className="op-session__note" role="status">
          {t('session.offline')}
        </p>
      )}
      <fieldset className="op-session__group" disabled={!online}>
        <legend>{t('session.phase')}</legend>
        <select
          className="op-bar-select"
          aria-label={t('session.phase.label')}
          value={session.phase ?? ''}
          onChange={(e) => send({ action: 'phase', phase: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">{t('session.phase.none')}</option>
          {phases.map((p) => (
            <option key={p.id} value={p.number}>
              {t('phase.option', { number: p.number, label: labelText(p.label, locale) })}
            </option>
          ))}
        </select>
      </fieldset>

      <fieldset className="op-session__group" disabled={!online}>
        <legend>{t('session.summon')}</legend>
        <div className="op-session__row">
          <button type="button" className="op-button" onClick={() => send({ action: 'summon', to: viewTarget(editor) })}>
            {t('session.summon.view')}
          </button>
          <button
            type="button"
            className="op-button"
            disabled={!hasSelection}
            title={hasSelection ? undefined : t('session.summon.selection.none')}
            onClick={() => {
              const to = selectionTarget(editor)
              if (to) send({ action: 'summon', to })
            }}
          >
            {t('session.summon.selection')}
          </button>
        </div>
        <div className="op-session__row">
          {phases.map((p) => {
            const found = phaseFrames.includes(p.number)
            return (
              <button
                key={p.id}
                type="button"
                className="op-button"
                disabled={!found}
                title={found ? undefined : t('session.summon.phase.none', { number: p.number })}
                onClick={() => {
                  const to = phaseTarget(editor, p.number)
                  if (to) send({ action: 'summon', to })
                }}
              >
                {t('session.summon.phase', { number: p.number })}
              </button>
            )
          })}
        </div>
      </fieldset>

      <fieldset className="op-session__group" disabled={!online}>
        <legend>{t('session.screen')}</legend>
        <label className="op-check">
          <input type="checkbox" checked={session.cursorsHidden} onChange={(e) => send({ action: 'cursors', hidden: e.target.checked })} />
          {t('session.cursors.hide')}
        </label>
        <label className="op-check">
          <input
            type="checkbox"
            checked={session.highlight !== null}
            disabled={session.highlight === null && ownView === null}
            onChange={(e) => send({ action: 'highlight', view: e.target.checked ? ownView : null })}
          />
          {t('session.highlight.share')}
        </label>
        {session.highlight === null && ownView === null && <p className="op-session__note">{t('session.highlight.none')}</p>}
      </fieldset>

      <fieldset className="op-session__group" disabled={!online}>
        <legend>{t('session.timer')}</legend>
        <div className="op-session__row">
          <label className="op-session__minutes">
            <span>{t('session.timer.minutes')}</span>
            <input
              className="op-session__minutes-input"
              type="number"
              min={1}
              max={180}
              step={1}
              inputMode="decimal"
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
            />
          </label>
          <button
            type="button"
            className="op-button op-button--primary"
            disabled={timerMs === null}
            onClick={() => timerMs !== null && send({ action: 'timer-start', ms: timerMs })}
          >
            {t('session.timer.start')}
          </button>
        </div>
        {timer.state !== 'stopped' && (
          <div className="op-session__row">
            {timer.state === 'running' ? (
              <button type="button" className="op-button" onClick={() => send({ action: 'timer-pause' })}>
                {t('session.timer.pause')}
              </button>
            ) : (
              <button type="button" className="op-button" onClick={() => send({ action: 'timer-resume' })}>
                {t('session.timer.resume')}
              </button>
            )}
            <button type="button" className="op-button" onClick={() => send({ action: 'timer-extend', ms: ONE_MINUTE })}>
              {t('session.timer.extend')}
            </button>
            <button type="button" className="op-button" onClick={() => send({ action: 'timer-stop' })}>
              {t('session.timer.stop')}
            </button>
          </div>
        )}
      </fieldset>

      <VotePanel editor={editor} disabled={!online} send={send} />

      <fieldset className="op-session__group" disabled={!online}>
        <legend>{t('session.state')}</legend>
        <p className="op-session__note">{t(session.ended ? 'session.state.ended' : 'session.state.open')}</p>
        {!confirming ? (
          <button type="button" className="op-button" onClick={() => setConfirming(true)}>
            {t(session.ended ? 'session.reopen' : 'session.end')}
          </button>
        ) : (
          <div className="op-share__confirm">
            <p>{t(session.ended ? 'session.reopen.confirm' : 'session.end.confirm')}</p>
            <div className="op-share__actions">
              <button
                type="button"
                className="op-button op-button--primary"
                onClick={() => {
                  send({ action: session.ended ? 'reopen' : 'end' })
                  setConfirming(false)
                }}
              >
                {t(session.ended ? 'session.reopen.do' : 'session.end.do')}
              </button>
              <button type="button" className="op-button" onClick={() => setConfirming(false)}>
                {t('session.cancel')}
              </button>
            </div>
          </div>
        )}
      </fieldset>
    </section>
  )
}
