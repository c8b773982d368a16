import { CAMERA_OPTIONS } from '../board/camera.ts'
import { sessionOf, templateOf, type ProcessTemplate, type Timer } from '@opificio/shared'
import { SessionCursor, sessionOverlayUtils } from '../session/cursors.tsx'
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useEffect, useState } from 'react'
import { Tldraw, useValue, type Editor, type TLStore } from 'tldraw'
import type { RuntimeConfig } from '../app/runtimeConfig.ts'
import { BoardLoading, useRuntimeConfig } from '../app/useRuntimeConfig.tsx'
import { NotFound } from '../board/NotFound.tsx'
import { BrokenShape, containedShapeUtils } from '../board/shapeContainment.tsx'
import { withRelationDescriptions } from '../diagram/a11y/relationArrow.ts'
import { useBoardSync } from '../board/useBoardSync.ts'
import { ConnectionBanner } from '../connection/ConnectionBanner.tsx'
import { useConnectionStore } from '../connection/connectionStore.ts'
import { Legend } from '../diagram/highlight/Legend.tsx'
import { type Highlight, parseView } from '../diagram/highlight/viewId.ts'
import { useViewStore, ViewFader } from '../diagram/highlight/views.tsx'
import { labelText } from '../diagram/model/model.ts'
import { ElementShapeUtil } from '../diagram/shapes/ElementShapeUtil.tsx'
import { BalanceShapeUtil, PactShapeUtil } from '../diagram/shapes/PhaseShapeUtils.tsx'
import type { Locale } from '../i18n/strings.ts'
import { useT } from '../i18n/translate.ts'
import { useTldrawPreferences } from '../user/useTldrawPreferences.ts'
import { useUserStore } from '../user/userStore.ts'
import { JoinAddress, JoinQr, useParticipantLink } from './JoinCode.tsx'
import { useProjectorPrefs } from './projectorPrefs.ts'
import { phaseInfo } from './projectorView.ts'
import { useRemaining } from '../session/SessionTimer.tsx'
import { useSessionLink } from '../session/sessionStore.ts'
import { formatClock } from '../session/timer.ts'
import { VoteCanvasLayer } from '../session/VoteLayer.tsx'
import { useFollowFacilitator } from './useFollowFacilitator.ts'
import { ProjectedSnapshot } from './ProjectedSnapshot.tsx'

const assetUrls = getAssetUrlsByImport()
const shapeUtils = withRelationDescriptions(containedShapeUtils([ElementShapeUtil, BalanceShapeUtil, PactShapeUtil]))
// The counts of revealed dot votes, on the elements (the projector never votes).
// Cursors as everywhere else: hidden when the facilitator hides everyone's.
const components = { ShapeErrorFallback: BrokenShape, InFrontOfTheCanvas: VoteCanvasLayer, CollaboratorCursor: SessionCursor }
/** The contrast button hides after this long without the mouse moving. */
const IDLE_MS = 3000

/**
 * What the room sees: the board title, the phase and its key question, the facilitator's view
 * with names large enough to read from the back, the legend, and the way in (QR code and link).
 * Chrome-less and read-only; it asks for no name and shows itself to nobody.
 */
export function ProjectorView({ boardId, token }: { boardId: string; token: string }) {
  const config = useRuntimeConfig()
  if (!config) return <BoardLoading />
  return <ProjectorSession boardId={boardId} token={token} config={config} />
}

/** The projector has no name to give. */
const projectorUser = ({ locale }: { locale: string }) => ({ locale })

function ProjectorSession({ boardId, token, config }: { boardId: string; token: string; config: RuntimeConfig }) {
  const t = useT()
  const sync = useBoardSync(boardId, token, config.serverUrls)
  // The cards' kind labels follow this device's language, from before the editor is made.
  useTldrawPreferences(projectorUser)
  const connection = useConnectionStore((s) => s.sync.connection)
  const [editor, setEditor] = useState<Editor | null>(null)
  const highContrast = useProjectorPrefs((s) => s.highContrast)
  const link = useParticipantLink(boardId, token)
  const following = useFollowFacilitator(editor)
  const idle = useIdle(IDLE_MS)
  const showing = useValue('showing', () => (editor ? (sessionOf((id) => editor.store.get(id as never)).showing ?? null) : null), [editor])
  useContrastKey()

  useEffect(() => {
    if (!editor) return // For browser tests and for debugging from the console.
    ;(window as unknown as { opificioEditor?: Editor }).opificioEditor = editor
  }, [editor])

  // With nobody to follow yet, the whole page: better than an empty corner of it.
  useEffect(() => {
    if (editor && !following) editor.zoomToFit({ force: true })
  }, [editor, following])

  useEffect(() => {
    if (sync.status === 'ready') document.title = `${sync.board.title} · Opificio`
  }, [sync])

  if (connection === 'not-found') return <NotFound />

  const store = sync.status === 'ready' ? sync.store : null

  return (
    <div className={`op-projector${highContrast ? ' op-projector--contrast' : ''}${idle ? ' op-projector--idle' : ''}`} data-role="projector">
      {store && <ProjectorHeader store={store} title={sync.status === 'ready' ? sync.board.title : ''} />}
      <ConnectionBanner />
      <div className="op-projector__main">
        <div className="op-projector__canvas">
          {store ? (
            <Tldraw
              cameraOptions={CAMERA_OPTIONS}
              store={store}
              shapeUtils={shapeUtils}
              components={components}
              overlayUtils={sessionOverlayUtils}
              assetUrls={assetUrls}
              licenseKey={config.tldrawLicenseKey ?? undefined}
              hideUi
              onMount={(mounted) => {
                // Before the first frame: a projector changes nothing.
                mounted.updateInstanceState({ isReadonly: true })
                setEditor(mounted)
              }}
            />
          ) : (
            <BoardLoading />
          )}
          {showing && <ProjectedSnapshot boardId={boardId} token={token} id={showing} licenseKey={config.tldrawLicenseKey ?? undefined} />}
          {editor && !following && !showing && (
            <p className="op-projector__waiting" role="status">
              {t('projector.waiting')}
            </p>
          )}
        </div>
        <aside className="op-projector__side">
          {editor && !showing && <Legend editor={editor} />}
          <JoinQr link={link} />
        </aside>
      </div>
      <footer className="op-projector__footer">
        <JoinAddress link={link} />
      </footer>
      {editor && <SharedHighlight editor={editor} />}
      <button
        type="button"
        className="op-button op-projector__contrast"
        aria-pressed={highContrast}
        aria-label={t('projector.contrast.label')}
        title={t('projector.contrast.label')}
        onClick={() => useProjectorPrefs.getState().toggleContrast()}
      >
        {t(highContrast ? 'projector.contrast.off' : 'projector.contrast.on')}
      </button>
    </div>
  )
}

/** The board title, the current phase with its key question, the timer and what is highlighted. */
function ProjectorHeader({ store, title }: { store: TLStore; title: string }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const get = (id: string) => store.get(id as never)
  const session = useValue('session', () => sessionOf(get), [store])
  const template = useValue('template', () => templateOf(get), [store])
  const phase = phaseInfo(template, session.phase, locale)
  const highlight = highlightLabel(template, parseView(session.highlight), locale)
  return (
    <header className="op-projector__header">
      <div className="op-projector__heading">
        <h1 className="op-projector__title">{title}</h1>
        {phase && (
          <p className="op-projector__phase">
            <span className="op-projector__phase-number">{t('projector.phase', { n: phase.number })}</span>
            {phase.label && <span> · {phase.label}</span>}
          </p>
        )}
        {phase?.question && <p className="op-projector__question">{phase.question}</p>}
        {highlight && <p className="op-projector__highlight">{t('projector.highlight', { what: highlight })}</p>}
      </div>
      <Countdown timer={session.timer} />
    </header>
  )
}

function highlightLabel(template: ProcessTemplate, h: Highlight, locale: Locale): string | null {
  if (h.by === 'none') return null
  const list = h.by === 'sector' ? template.sectors : h.by === 'line' ? template.lines : template.relationTypes
  const found = list.find((x) => x.id === h.id)
  return found ? labelText(found.label, locale) : null
}

/**
 * The session timer, mm:ss. What is left is worked out from the server's end time and this
 * device's clock (the clock offset the welcome measures is not applied here yet).
 */
function Countdown({ timer }: { timer: Timer }) {
  const t = useT()
  const offset = useSessionLink((s) => s.clockOffsetMs)
  const remaining = useRemaining(timer, offset)
  if (remaining === null) return null
  return (
    <p className="op-projector__timer" data-state={timer.state} data-over={remaining === 0 || undefined}>
      <span className="op-projector__timer-label">
        {t('projector.timer')}
        {timer.state === 'paused' && ` (${t('projector.timer.paused')})`}
      </span>
      <span className="op-projector__timer-value">{formatClock(remaining)}</span>
    </p>
  )
}

/** The facilitator's Evidenzia, when they share it, fades the rest here as on their screen. */
function SharedHighlight({ editor }: { editor: Editor }) {
  const shared = useValue('shared highlight', () => sessionOf((id) => editor.store.get(id as never)).highlight, [editor])
  useEffect(() => {
    useViewStore.getState().setHighlight(parseView(shared))
  }, [shared])
  return <ViewFader editor={editor} />
}

/** Whether the mouse has been still for `ms`: the projector's own controls then get out of the way. */
function useIdle(ms: number): boolean {
  const [idle, setIdle] = useState(false)
  useEffect(() => {
    let timer = setTimeout(() => setIdle(true), ms)
    const wake = () => {
      setIdle(false)
      clearTimeout(timer)
      timer = setTimeout(() => setIdle(true), ms)
    }
    window.addEventListener('pointermove', wake)
    window.addEventListener('keydown', wake)
    return () => {
      clearTimeout(timer)
      window.removeEventListener('pointermove', wake)
      window.removeEventListener('keydown', wake)
    }
  }, [ms])
  return idle
}

/** C switches high contrast, from anywhere on the page. */
function useContrastKey() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'c' && e.key !== 'C') return
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return
      e.preventDefault()
      e.stopPropagation()
      useProjectorPrefs.getState().toggleContrast()
    }
    // Capture: before tldraw's own shortcuts.
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [])
}
