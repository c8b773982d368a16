import { CAMERA_OPTIONS } from '../board/camera.ts'
import { boardSchema, compareBoards, type BoardComparison, type SnapshotInfo } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useEffect, useMemo, useState } from 'react'
import { createTLStore, Tldraw, useValue, type Editor, type TLShapeId } from 'tldraw'
import { BrokenShape, containedShapeUtils } from '../board/shapeContainment.tsx'
import { withRelationDescriptions } from '../diagram/a11y/relationArrow.ts'
import { Legend } from '../diagram/highlight/Legend.tsx'
import { ViewControl, ViewFader } from '../diagram/highlight/views.tsx'
import { ElementShapeUtil } from '../diagram/shapes/ElementShapeUtil.tsx'
import { BalanceShapeUtil, PactShapeUtil } from '../diagram/shapes/PhaseShapeUtils.tsx'
import { documentRecords } from '../export/exportJob.ts'
import { ExportMenu } from '../export/ExportMenu.tsx'
import { useT } from '../i18n/translate.ts'
import { useUserStore } from '../user/userStore.ts'
import { listSnapshots, openSnapshot } from './snapshotApi.ts'
import { inOrder } from './snapshotLabels.ts'
import { useSnapshotView } from './snapshotStore.ts'
import { useSnapshotTitle } from './SnapshotsPanel.tsx'
import { sendControl } from '../session/sessionStore.ts'
import { sessionIn } from '../session/useSession.ts'

const assetUrls = getAssetUrlsByImport()
const shapeUtils = withRelationDescriptions(containedShapeUtils([ElementShapeUtil, BalanceShapeUtil, PactShapeUtil]))
const components = { StylePanel: null, ShapeErrorFallback: BrokenShape }

/** What the canvas shows in a comparison: the newer side, with what changed outlined. */
interface Comparing {
  against: string
  before: string
  after: string
  records: UnknownRecord[]
  comparison: BoardComparison
}

/**
 * A snapshot opened read-only over the board, in the same canvas (pan, zoom, legend), for
 * anyone with a link; compared, if asked, with another snapshot or the live board.
 */
export function SnapshotViewer({
  liveEditor,
  boardId,
  token,
  title,
  facilitate,
  licenseKey,
}: {
  liveEditor: Editor
  boardId: string
  token: string
  title: string
  facilitate: boolean
  licenseKey?: string
}) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const open = useSnapshotView((s) => s.open)
  const close = useSnapshotView((s) => s.close)
  const titleOf = useSnapshotTitle()
  const [others, setOthers] = useState<SnapshotInfo[]>([])
  const [comparing, setComparing] = useState<Comparing | null>(null)
  const [viewer, setViewer] = useState<Editor | null>(null)
  const [failure, setFailure] = useState<string | null>(null)

  useEffect(() => {
    if (!open) return
    setComparing(null)
    void listSnapshots(boardId, token).then((answer) => answer.ok && setOthers(answer.value.filter((s) => s.id !== open.info.id)))
  }, [open, boardId, token])
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close()
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [close])

  if (!open) return null
  const snapshotTitle = titleOf(open.info)

  const compareWith = async (choice: string) => {
    setFailure(null)
    if (!choice) return setComparing(null)
    if (choice === 'live') {
      const after = documentRecords(liveEditor)
      return setComparing({
        against: choice,
        before: snapshotTitle,
        after: t('compare.live'),
        records: after,
        comparison: compareBoards(open.records, after, locale),
      })
    }
    const other = others.find((s) => s.id === choice)
    const answer = other && (await openSnapshot(boardId, token, other.id))
    if (!other || !answer?.ok) return setFailure(t('snapshots.failed.open'))
    const [first] = inOrder(open.info, other)
    const [before, after] = first.id === open.info.id ? [open.records, answer.value.records] : [answer.value.records, open.records]
    const [beforeInfo, afterInfo] = first.id === open.info.id ? [open.info, other] : [other, open.info]
    setComparing({
      against: choice,
      before: titleOf(beforeInfo),
      after: titleOf(afterInfo),
      records: after,
      comparison: compareBoards(before, after, locale),
    })
  }

  return (
    <div className="op-snapshot-viewer" role="dialog" aria-modal="true" aria-labelledby="op-snapshot-viewer-title">
      <header className="op-board__bar op-snapshot-viewer__bar">
        <h2 id="op-snapshot-viewer-title" className="op-board__title">
          {comparing ? t('compare.heading', { before: comparing.before, after: comparing.after }) : t('snapshots.viewing', { title: snapshotTitle })}
        </h2>
        <span className="op-snapshot-viewer__readonly">{t('snapshots.readonly')}</span>
        {viewer && <ViewControl editor={viewer} />}
        <label className="op-snapshot-viewer__compare">
          <span>{t('compare.with')}</span>
          <select className="op-bar-select" value={comparing?.against ?? ''} onChange={(e) => void compareWith(e.target.value)}>
            <option value="">{t('compare.none')}</option>
            <option value="live">{t('compare.live')}</option>
            {others.map((s) => (
              <option key={s.id} value={s.id}>
                {titleOf(s)}
              </option>
            ))}
          </select>
        </label>
        {facilitate && <ProjectorToggle liveEditor={liveEditor} snapshotId={open.info.id} />}
        <button type="button" className="op-button op-button--primary" onClick={close}>
          {t('snapshots.viewer.close')}
        </button>
      </header>
      {failure && (
        <p className="op-session__note op-export__failure" role="alert">
          {failure}
        </p>
      )}
      <div className="op-snapshot-viewer__main">
        <div className="op-snapshot-viewer__canvas">
          <SnapshotCanvas
            key={comparing?.against ?? 'alone'}
            records={comparing?.records ?? open.records}
            licenseKey={licenseKey}
            onMount={setViewer}
          />
          {viewer && <Legend editor={viewer} />}
          {viewer && <ViewFader editor={viewer} />}
          {viewer && comparing && <ChangeOutlines editor={viewer} comparison={comparing.comparison} />}
        </div>
        {comparing && <ChangeList comparison={comparing.comparison} editor={viewer} />}
      </div>
      {facilitate && viewer && !comparing && (
        <footer className="op-snapshot-viewer__exports">
          <ExportMenu
            source={{
              editor: viewer,
              records: () => open.records,
              boardId,
              token,
              title,
              phase: open.info.phase,
              snapshot: { id: open.info.id, title: snapshotTitle, note: open.info.note },
            }}
          />
        </footer>
      )}
    </div>
  )
}

/** A board's records drawn read-only, the whole of it in view, with the board's own shapes. */
export function SnapshotCanvas({
  records,
  licenseKey,
  hideUi,
  onMount,
}: {
  records: UnknownRecord[]
  licenseKey?: string
  hideUi?: boolean
  onMount(editor: Editor): void
}) {
  const locale = useUserStore((s) => s.locale)
  const store = useMemo(() => {
    const s = createTLStore({ schema: boardSchema })
    s.mergeRemoteChanges(() => s.put(records as never[]))
    return s
  }, [records])
  return (
    <Tldraw
      cameraOptions={CAMERA_OPTIONS}
      store={store}
      shapeUtils={shapeUtils}
      components={components}
      assetUrls={assetUrls}
      licenseKey={licenseKey}
      hideUi={hideUi}
      onMount={(mounted) => {
        mounted.updateInstanceState({ isReadonly: true })
        mounted.user.updateUserPreferences({ locale })
        mounted.zoomToFit({ animation: { duration: 0 } })
        onMount(mounted)
      }}
    />
  )
}

/** Each element and relation that changed, as a line a facilitator can read out; a click shows it. */
function ChangeList({ comparison, editor }: { comparison: BoardComparison; editor: Editor | null }) {
  const t = useT()
  const items = [...comparison.elements.map((c) => ({ ...c, label: c.name })), ...comparison.relations]
  return (
    <aside className="op-compare" aria-label={t('compare.list')}>
      <p
        className="op-compare__counts"
        data-added={comparison.counts.added}
        data-removed={comparison.counts.removed}
        data-changed={comparison.counts.changed}
      >
        {t('compare.counts', comparison.counts)}
      </p>
      {items.length === 0 && <p className="op-session__note">{t('compare.same')}</p>}
      <ul className="op-compare__list">
        {items.map((item) => (
          <li key={item.id} className="op-compare__item" data-change={item.change} data-id={item.id}>
            <button
              type="button"
              className="op-compare__show"
              disabled={item.change === 'removed' || !editor?.getShape(item.id as TLShapeId)}
              onClick={() => editor?.zoomToBounds(editor.getShapePageBounds(item.id as TLShapeId)!, { targetZoom: 1, animation: { duration: 200 } })}
            >
              <span className={`op-compare__badge op-compare__badge--${item.change}`}>{t(`compare.change.${item.change}`)}</span> {item.label}
            </button>
            {item.fields.length > 0 && (
              <ul className="op-compare__fields">
                {item.fields.map((f) => (
                  <li key={f.field}>
                    {t(`compare.field.${f.field}`)}: <del>{f.before || '—'}</del> → <ins>{f.after || '—'}</ins>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </aside>
  )
}

/** Added and changed elements and relations outlined on the canvas (removed ones are in the list). */
function ChangeOutlines({ editor, comparison }: { editor: Editor; comparison: BoardComparison }) {
  const changed = useMemo(
    () => [...comparison.elements, ...comparison.relations].filter((c) => c.change !== 'removed').map((c) => [c.id, c.change] as const),
    [comparison]
  )
  const boxes = useValue(
    'change outlines',
    () =>
      changed.flatMap(([id, change]) => {
        const b = editor.getShapePageBounds(id as TLShapeId)
        if (!b) return []
        const tl = editor.pageToViewport({ x: b.minX, y: b.minY })
        const br = editor.pageToViewport({ x: b.maxX, y: b.maxY })
        return [{ id, change, left: tl.x - 4, top: tl.y - 4, width: br.x - tl.x + 8, height: br.y - tl.y + 8 }]
      }),
    [editor, changed]
  )
  return (
    <div className="op-compare-outlines" aria-hidden="true">
      {boxes.map((b) => (
        <div
          key={b.id}
          className={`op-compare-outline op-compare-outline--${b.change}`}
          data-id={b.id}
          style={{ left: b.left, top: b.top, width: b.width, height: b.height }}
        />
      ))}
    </div>
  )
}

/** Shows this snapshot on the projector in place of the live board, or takes it off. */
function ProjectorToggle({ liveEditor, snapshotId }: { liveEditor: Editor; snapshotId: string }) {
  const t = useT()
  const showing = useValue('showing', () => sessionIn(liveEditor).showing ?? null, [liveEditor])
  const here = showing === snapshotId
  return (
    <button
      type="button"
      className="op-button"
      aria-pressed={here}
      data-testid="snapshot-projector"
      onClick={() => sendControl({ action: 'show-snapshot', id: here ? null : snapshotId })}
    >
      {here ? t('snapshots.projector.hide') : t('snapshots.projector.show')}
    </button>
  )
}
