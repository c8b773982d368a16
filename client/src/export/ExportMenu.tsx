import { useRef, useState } from 'react'
import { useValue } from 'tldraw'
import { useT } from '../i18n/translate.ts'
import { useUserStore } from '../user/userStore.ts'
import { EXPORT_FORMATS, runExport, type ExportFormat, type ExportSource } from './exportJob.ts'
import { downloadBlob } from './imageExport.ts'

type Progress = { format: ExportFormat; done: number; total: number } | null

/**
 * The export buttons for the live board or a snapshot: one file per click, saved under a name of
 * the board, phase and day. A long export shows how far it is and can be cancelled; a failed one
 * says why.
 */
export function ExportMenu({ source }: { source: ExportSource }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const [progress, setProgress] = useState<Progress>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const running = useRef<AbortController | null>(null)
  // A frame selected on the canvas can be the picture alone (a phase's frame, the pact).
  const frame = useValue('selected frame', () => {
    const selected = source.editor.getOnlySelectedShape()
    return selected?.type === 'frame' ? { id: selected.id as string, name: (selected.props as { name?: string }).name ?? '' } : null
  }, [source.editor])
  const [frameOnly, setFrameOnly] = useState(false)

  const start = async (format: ExportFormat) => {
    const controller = new AbortController()
    running.current = controller
    setFailure(null)
    setSaved(null)
    setProgress({ format, done: 0, total: 1 })
    try {
      const only = frameOnly && frame && (format === 'png' || format === 'svg') ? { frameId: frame.id } : {}
      const file = await runExport(format, { ...source, ...only }, locale, {
        signal: controller.signal,
        onProgress: (done, total) => setProgress({ format, done, total }),
      })
      downloadBlob(file.blob, file.name)
      setSaved(file.name)
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setFailure((e as Error).message || t('export.failed.unknown'))
    } finally {
      running.current = null
      setProgress(null)
    }
  }

  return (
    <div className="op-export" data-testid="export-menu">
      <div className="op-session__row">
        {EXPORT_FORMATS.map((format) => (
          <button
            key={format}
            type="button"
            className="op-button"
            disabled={progress !== null}
            data-export={format}
            aria-label={t('export.as.label', { format: t(`export.format.${format}`) })}
            onClick={() => void start(format)}
          >
            {t(`export.format.${format}`)}
          </button>
        ))}
      </div>
      {frame && (
        <label className="op-export__frame">
          <input type="checkbox" checked={frameOnly} onChange={(e) => setFrameOnly(e.target.checked)} />
          {t('export.frameOnly', { name: frame.name || t('export.frame.untitled') })}
        </label>
      )}
      {progress && (
        <div className="op-export__progress" role="status">
          <progress max={progress.total} value={progress.done} aria-label={t('export.progress', { format: t(`export.format.${progress.format}`) })} />
          <button type="button" className="op-button op-button--quiet" onClick={() => running.current?.abort()}>
            {t('export.cancel')}
          </button>
        </div>
      )}
      {failure && (
        <p className="op-session__note op-export__failure" role="alert">
          {t('export.failed', { reason: failure })}
        </p>
      )}
      {saved && (
        <p className="op-session__note" role="status">
          {t('export.saved', { name: saved })}
        </p>
      )}
    </div>
  )
}
