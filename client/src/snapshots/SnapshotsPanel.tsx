import type { SnapshotInfo } from '@opificio/shared'
import { useCallback, useEffect, useId, useState } from 'react'
import type { Editor } from 'tldraw'
import { useValue } from 'tldraw'
import { boardTemplate, labelText } from '../diagram/model/model.ts'
import { documentRecords } from '../export/exportJob.ts'
import { ExportMenu } from '../export/ExportMenu.tsx'
import { useT } from '../i18n/translate.ts'
import { sessionIn } from '../session/useSession.ts'
import { useUserStore } from '../user/userStore.ts'
import { useMyBoards } from '../home/myBoards.ts'
import { boardFromSnapshot, listSnapshots, openSnapshot, restoreSnapshot, takeSnapshot } from './snapshotApi.ts'
import { groupSnapshots } from './snapshotLabels.ts'
import { useSnapshotView } from './snapshotStore.ts'

interface BoardRef {
  editor: Editor
  boardId: string
  token: string
  title: string
  facilitate: boolean
}

/** "Istantanee": the top bar's button opening the phase outputs of the board. */
export function SnapshotsButton(props: BoardRef) {
  const t = useT()
  const [open, setOpen] = useState(false)
  const panelId = useId()
  return (
    <>
      <button type="button" className="op-button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)}>
        {t('snapshots.open')}
      </button>
      {open && <SnapshotsPanel id={panelId} {...props} onClose={() => setOpen(false)} />}
    </>
  )
}

/** How a snapshot reads in the list: its title, or what it is when it has none. */
export function useSnapshotTitle() {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  return (s: SnapshotInfo) => {
    const when = new Date(s.createdAt).toLocaleString(locale === 'en' ? 'en-GB' : 'it-IT', { dateStyle: 'medium', timeStyle: 'short' })
    if (s.kind === 'auto') return t('snapshots.auto.title', { when })
    if (s.kind === 'before-restore') return t('snapshots.backup.title', { title: s.title, when })
    return s.title
  }
}

/**
 * The board's snapshots by phase. A facilitator saves the board as the current phase's output,
 * restores one (the board is saved first, and the restore can be undone) and exports; anyone
 * opens one read-only over the board.
 */
function SnapshotsPanel({ id, editor, boardId, token, title, facilitate, onClose }: BoardRef & { id: string; onClose(): void }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const author = useUserStore((s) => s.name)
  const phase = useValue('phase', () => sessionIn(editor).phase, [editor])
  const phases = useValue('phases', () => boardTemplate(editor).phases, [editor])
  const [list, setList] = useState<SnapshotInfo[] | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [undo, setUndo] = useState<SnapshotInfo | null>(null)
  const [created, setCreated] = useState<{ title: string; link: string } | null>(null)
  const [draft, setDraft] = useState({ title: '', note: '' })
  const show = useSnapshotView((s) => s.show)
  const titleOf = useSnapshotTitle()
  const phaseLabel = (n: number | null) => {
    const p = phases.find((x) => x.number === n)
    return p ? t('phase.option', { number: p.number, label: labelText(p.label, locale) }) : t('snapshots.group.none')
  }

  const refresh = useCallback(async () => {
    const answer = await listSnapshots(boardId, token)
    if (answer.ok) setList(answer.value)
    else setFailure(t('snapshots.failed.list'))
  }, [boardId, token, t])
  useEffect(() => {
    void refresh()
  }, [refresh])
  useEffect(() => {
    const close = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    window.addEventListener('keydown', close)
    return () => window.removeEventListener('keydown', close)
  }, [onClose])

  const act = async (work: () => Promise<string | null>) => {
    setBusy(true)
    setFailure(null)
    setFailure(await work())
    setBusy(false)
    await refresh()
  }
  const save = () =>
    act(async () => {
      const defaultTitle = phase === null ? t('snapshots.default.title.none') : t('snapshots.default.title', { phase })
      const answer = await takeSnapshot(boardId, token, { title: draft.title.trim() || defaultTitle, note: draft.note, author })
      if (!answer.ok) return t('snapshots.failed.save', { reason: answer.error || String(answer.status) })
      setDraft({ title: '', note: '' })
      return null
    })
  const open = (s: SnapshotInfo) =>
    act(async () => {
      const answer = await openSnapshot(boardId, token, s.id)
      if (!answer.ok) return t('snapshots.failed.open')
      show({ info: s, records: answer.value.records })
      return null
    })
  const restore = (s: SnapshotInfo) =>
    act(async () => {
      if (!window.confirm(t('snapshots.restore.confirm', { title: titleOf(s) }))) return null
      const answer = await restoreSnapshot(boardId, token, s.id, author)
      if (!answer.ok) return t('snapshots.failed.restore', { reason: answer.error || String(answer.status) })
      setUndo(answer.value.backup)
      return null
    })
  const newBoard = (s: SnapshotInfo) =>
    act(async () => {
      const answer = await boardFromSnapshot(boardId, token, s.id)
      if (!answer.ok) return t('snapshots.failed.newBoard', { reason: answer.error || String(answer.status) })
      const board = { id: answer.value.id, title: answer.value.title, link: answer.value.links.facilitator }
      useMyBoards.getState().remember(board)
      setCreated(board)
      return null
    })
  const undoRestore = (backup: SnapshotInfo) =>
    act(async () => {
      const answer = await restoreSnapshot(boardId, token, backup.id, author)
      setUndo(null)
      return answer.ok ? null : t('snapshots.failed.restore', { reason: answer.error || String(answer.status) })
    })

  return (
    <section id={id} className="op-session op-snapshots" aria-labelledby={`${id}-title`}>
      <div className="op-session__head">
        <h2 id={`${id}-title`}>{t('snapshots.title')}</h2>
        <button type="button" className="op-button op-button--quiet" onClick={onClose}>
          {t('session.close')}
        </button>
      </div>
      {facilitate && (
        <fieldset className="op-session__group" disabled={busy}>
          <legend>{phase === null ? t('snapshots.take.none') : t('snapshots.take', { phase })}</legend>
          <input
            className="op-input"
            aria-label={t('snapshots.take.title')}
            placeholder={phase === null ? t('snapshots.default.title.none') : t('snapshots.default.title', { phase })}
            value={draft.title}
            maxLength={120}
            onChange={(e) => setDraft((d) => ({ ...d, title: e.target.value }))}
          />
          <textarea
            className="op-input"
            aria-label={t('snapshots.take.note')}
            placeholder={t('snapshots.take.note')}
            value={draft.note}
            maxLength={2000}
            rows={2}
            onChange={(e) => setDraft((d) => ({ ...d, note: e.target.value }))}
          />
          <button type="button" className="op-button op-button--primary" data-testid="snapshot-take" onClick={() => void save()}>
            {t('snapshots.take.button')}
          </button>
        </fieldset>
      )}
      {undo && (
        <p className="op-session__note op-snapshots__undo" role="status">
          {t('snapshots.restored')}{' '}
          <button type="button" className="op-button" data-testid="snapshot-undo" onClick={() => void undoRestore(undo)}>
            {t('snapshots.restore.undo')}
          </button>
        </p>
      )}
      {created && (
        <p className="op-session__note" role="status">
          {t('snapshots.newBoard.done', { title: created.title })}{' '}
          <a href={created.link} target="_blank" rel="noopener" data-testid="snapshot-new-board-link">
            {t('snapshots.newBoard.open')}
          </a>
        </p>
      )}
      {failure && (
        <p className="op-session__note op-export__failure" role="alert">
          {failure}
        </p>
      )}
      {list === null ? (
        <p className="op-session__note">{t('snapshots.loading')}</p>
      ) : list.length === 0 ? (
        <p className="op-session__note">{t('snapshots.empty')}</p>
      ) : (
        groupSnapshots(list).map((group) => (
          <fieldset key={group.key} className="op-session__group" disabled={busy}>
            <legend>{group.auto ? t('snapshots.group.auto') : phaseLabel(group.phase)}</legend>
            <ul className="op-snapshots__list">
              {(group.auto ? group.snapshots.slice(0, 12) : group.snapshots).map((s) => (
                <li key={s.id} className="op-snapshots__item" data-snapshot={s.id} data-kind={s.kind}>
                  <span className="op-snapshots__name">{titleOf(s)}</span>
                  {s.kind === 'phase' && (
                    <span className="op-session__note">
                      {new Date(s.createdAt).toLocaleString(locale === 'en' ? 'en-GB' : 'it-IT', { dateStyle: 'medium', timeStyle: 'short' })}
                      {s.createdBy ? ` · ${s.createdBy}` : ''}
                    </span>
                  )}
                  {s.note && <span className="op-session__note">{s.note}</span>}
                  <span className="op-session__row">
                    <button type="button" className="op-button" data-action="open" onClick={() => void open(s)}>
                      {t('snapshots.view')}
                    </button>
                    {facilitate && (
                      <button type="button" className="op-button" data-action="restore" onClick={() => void restore(s)}>
                        {t('snapshots.restore')}
                      </button>
                    )}
                    {facilitate && (
                      <button type="button" className="op-button" data-action="new-board" onClick={() => void newBoard(s)}>
                        {t('snapshots.newBoard')}
                      </button>
                    )}
                  </span>
                </li>
              ))}
            </ul>
          </fieldset>
        ))
      )}
      {facilitate && (
        <fieldset className="op-session__group">
          <legend>{t('export.title.live')}</legend>
          <ExportMenu source={{ editor, records: () => documentRecords(editor), boardId, token, title, phase, snapshot: null }} />
        </fieldset>
      )}
    </section>
  )
}
