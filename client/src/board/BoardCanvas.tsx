import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useEffect, useMemo, useState } from 'react'
import { Tldraw, useValue, type Editor, type TLUiOverrides } from 'tldraw'
import { LanguageSwitch } from '../app/LanguageSwitch.tsx'
import { useNamedPopovers } from '../app/namedPopovers.ts'
import { SiteFooter } from '../app/SiteFooter.tsx'
import type { RuntimeConfig } from '../app/runtimeConfig.ts'
import { BoardLoading, useRuntimeConfig } from '../app/useRuntimeConfig.tsx'
import { ConnectionBanner } from '../connection/ConnectionBanner.tsx'
import { Notices } from '../connection/Notices.tsx'
import { useConnectionStore } from '../connection/connectionStore.ts'
import { useT } from '../i18n/translate.ts'
import { useTldrawPreferences } from '../user/useTldrawPreferences.ts'
import { useUserStore } from '../user/userStore.ts'
import { NotFound } from './NotFound.tsx'
import { roleUi, type RoleUi } from './roleUi.ts'
import { ShareLink } from './ShareLink.tsx'
import { BrokenShape, containedShapeUtils } from './shapeContainment.tsx'
import { useBoardSync } from './useBoardSync.ts'
import { CAMERA_OPTIONS, keepCamera } from './camera.ts'
import { refuseSelfArrows } from './selfArrows.ts'
import { keepSiblingIndicesDistinct } from './distinctIndices.ts'
import { closeTypePickerOnChoice } from './typePickerPopover.ts'
import { withRelationDescriptions } from '../diagram/a11y/relationArrow.ts'
import { shapeNameTranslations } from '../diagram/a11y/shapeNames.ts'
import { KeyboardControls } from '../diagram/keyboard/KeyboardControls.tsx'
import { BoardTools } from '../diagram/BoardTools.tsx'
import { Legend } from '../diagram/highlight/Legend.tsx'
import { ViewFader } from '../diagram/highlight/views.tsx'
import { InspectorPanel } from '../diagram/inspector/Inspector.tsx'
import { Palette, paletteDropHandlers } from '../diagram/palette/Palette.tsx'
import { ElementShapeUtil } from '../diagram/shapes/ElementShapeUtil.tsx'
import { BalanceShapeUtil, PactShapeUtil } from '../diagram/shapes/PhaseShapeUtils.tsx'
import { SessionCursor, sessionOverlayUtils } from '../session/cursors.tsx'
import { PeopleMenuItem } from '../session/PeopleMenuItem.tsx'
import { EndedBanner, PhaseBadge } from '../session/SessionHeader.tsx'
import { sessionAccess } from '../session/sessionRules.ts'
import { SessionTimer } from '../session/SessionTimer.tsx'
import { SummonFollower } from '../session/SummonFollower.tsx'
import { sessionIn } from '../session/useSession.ts'
import { VoteCanvasLayer } from '../session/VoteLayer.tsx'
import { documentRecords, runExport } from '../export/exportJob.ts'
import { exportBoardImage } from '../export/imageExport.ts'
import { SnapshotsButton } from '../snapshots/SnapshotsPanel.tsx'
import { SnapshotViewer } from '../snapshots/SnapshotViewer.tsx'

// Fonts, icons and translations come from this server: no CDN, which town-hall networks may block.
const assetUrls = getAssetUrlsByImport()
// tldraw's arrow, taught to say which relation it is (a screen reader would hear only "Freccia").
const shapeUtils = withRelationDescriptions(containedShapeUtils([ElementShapeUtil, BalanceShapeUtil, PactShapeUtil]))
// The live session: others' cursors hidden when the facilitator says so, roles in the people menu,
// dot votes on the elements.
const sessionComponents = { CollaboratorCursor: SessionCursor, PeopleMenuItem, InFrontOfTheCanvas: VoteCanvasLayer }
const components = { StylePanel: InspectorPanel, ShapeErrorFallback: BrokenShape, ...sessionComponents }
const viewerComponents = { StylePanel: null, ShapeErrorFallback: BrokenShape, ...sessionComponents }
const narrow = () => window.matchMedia('(max-width: 700px)').matches

const tldrawUser = ({ name, color, locale }: { name: string; color: string; locale: string }) => ({ name, color, locale })

/** tldraw's own menus and shortcuts, less what the role may not do. */
function overridesFor(ui: RoleUi): TLUiOverrides {
  return {
    translations: shapeNameTranslations,
    actions(_editor, actions) {
      if (ui.lock) return actions
      // Locking is the facilitator's: no menu item, no Shift+L.
      const { 'toggle-lock': _lock, ...rest } = actions
      return rest
    },
  }
}

export function BoardCanvas({ boardId, token }: { boardId: string; token: string }) {
  const config = useRuntimeConfig()
  if (!config) return <BoardLoading />
  return <BoardSession boardId={boardId} token={token} config={config} />
}

function BoardSession({ boardId, token, config }: { boardId: string; token: string; config: RuntimeConfig }) {
  const t = useT()
  const sync = useBoardSync(boardId, token, config.serverUrls)
  const connection = useConnectionStore((s) => s.sync.connection)
  const replaced = useConnectionStore((s) => s.sync.fatalCode === 'link-replaced')
  const role = useConnectionStore((s) => s.role)
  const ui = roleUi(role)
  const overrides = useMemo(() => overridesFor(ui), [ui])
  const [editor, setEditor] = useState<Editor | null>(null)
  const [paletteOpen, setPaletteOpen] = useState(() => !narrow())
  const locale = useUserStore((s) => s.locale)
  // From this page's first render: the editor comes once the board has arrived.
  useTldrawPreferences(tldrawUser)

  useEffect(() => {
    if (!editor) return // For browser tests and for debugging from the console.
    ;(window as unknown as { opificioEditor?: Editor }).opificioEditor = editor
    ;(window as unknown as { opificioExportImage?: typeof exportBoardImage }).opificioExportImage = exportBoardImage
    ;(window as unknown as { opificioExport?: unknown }).opificioExport = { runExport, documentRecords }
  }, [editor])

  // The role mirrored: a projector changes nothing, nor does a page whose link was replaced, nor
  // a participant once the facilitator has closed the session (the server refuses it anyway).
  const ended = useValue('session ended', () => (editor ? sessionIn(editor).ended : false), [editor])
  const endedReadonly = sessionAccess(role, { ended, highlight: null }).endedReadonly
  const readonly = ui.readonly || replaced || endedReadonly
  useEffect(() => {
    editor?.updateInstanceState({ isReadonly: readonly })
  }, [editor, readonly])

  useNamedPopovers(editor)
  useEffect(() => {
    if (!editor) return
    const stops = [keepCamera(editor, boardId), refuseSelfArrows(editor), closeTypePickerOnChoice(editor), keepSiblingIndicesDistinct(editor)]
    return () => {
      for (const stop of stops) stop()
    }
  }, [editor, boardId])

  // tldraw's page menu has no seam for its delete item: it is hidden by the role's style, and
  // this keeps a page from going by any other way the editor offers (the server refuses it too).
  useEffect(() => {
    if (!editor || ui.removePages) return
    return editor.sideEffects.registerBeforeDeleteHandler('page', (_page, source) => (source === 'user' ? false : undefined))
  }, [editor, ui.removePages])

  useEffect(() => {
    if (sync.status === 'ready') document.title = `${sync.board.title} · Opificio`
  }, [sync])

  if (connection === 'not-found') return <NotFound />

  return (
    <div className="op-board" data-role={role ?? undefined}>
      <header className="op-board__bar">
        {ui.tools && <span className="op-logo">{t('app.name')}</span>}
        <h1 className="op-board__title">{sync.status === 'ready' ? sync.board.title : ''}</h1>
        {editor && <PhaseBadge editor={editor} />}
        {editor && <SessionTimer editor={editor} />}
        {editor && ui.tools && (
          <BoardTools
            editor={editor}
            ui={endedReadonly ? { ...ui, editDiagram: false } : ui}
            paletteOpen={paletteOpen}
            onTogglePalette={() => setPaletteOpen((o) => !o)}
          />
        )}
        {editor && ui.tools && sync.status === 'ready' && (
          <SnapshotsButton editor={editor} boardId={boardId} token={token} title={sync.board.title} facilitate={ui.facilitate} />
        )}
        <ShareLink boardId={boardId} token={token} role={role} />
        {editor && ui.tools && (
          <KeyboardControls editor={editor} editable={ui.editDiagram && !endedReadonly} onOpenPalette={() => setPaletteOpen(true)} />
        )}
        {ui.tools && <LanguageSwitch />}
      </header>
      <ConnectionBanner />
      <div className="op-board__main">
        {editor && ui.editDiagram && !endedReadonly && paletteOpen && <Palette editor={editor} onPlaced={() => narrow() && setPaletteOpen(false)} />}
        <div className="op-board__canvas" {...paletteDropHandlers(ui.editDiagram && !endedReadonly ? editor : null, locale)}>
          {sync.status === 'ready' ? (
            <Tldraw
              cameraOptions={CAMERA_OPTIONS}
              store={sync.store}
              shapeUtils={shapeUtils}
              components={ui.editDiagram ? components : viewerComponents}
              overrides={overrides}
              overlayUtils={sessionOverlayUtils}
              assetUrls={assetUrls}
              licenseKey={config.tldrawLicenseKey ?? undefined}
              onMount={(mounted) => {
                // Before the first frame: a projector never gets to change anything.
                // A participant opening a closed session starts read-only too.
                mounted.updateInstanceState({ isReadonly: readonly || sessionAccess(role, sessionIn(mounted)).endedReadonly })
                setEditor(mounted)
              }}
            />
          ) : (
            <BoardLoading />
          )}
          {editor && <Legend editor={editor} />}
          {editor && <EndedBanner editor={editor} />}
        </div>
      </div>
      <SiteFooter compact />
      {editor && sync.status === 'ready' && (
        <SnapshotViewer
          liveEditor={editor}
          boardId={boardId}
          token={token}
          title={sync.board.title}
          facilitate={ui.facilitate}
          licenseKey={config.tldrawLicenseKey ?? undefined}
        />
      )}
      {editor && <ViewFader editor={editor} />}
      {editor && <SummonFollower editor={editor} />}
      <Notices />
    </div>
  )
}
