import type { SnapshotInfo } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { useEffect, useState } from 'react'
import type { Editor } from 'tldraw'
import { Legend } from '../diagram/highlight/Legend.tsx'
import { useT } from '../i18n/translate.ts'
import { openSnapshot } from '../snapshots/snapshotApi.ts'
import { SnapshotCanvas } from '../snapshots/SnapshotViewer.tsx'

/**
 * The snapshot the facilitator put on the projector, over the live board: read-only, the whole of
 * it in view, named in large type so the room knows it is not the board as it is now.
 */
export function ProjectedSnapshot({ boardId, token, id, licenseKey }: { boardId: string; token: string; id: string; licenseKey?: string }) {
  const t = useT()
  const [shown, setShown] = useState<{ info: SnapshotInfo; records: UnknownRecord[] } | null>(null)
  const [editor, setEditor] = useState<Editor | null>(null)
  useEffect(() => {
    let current = true
    setShown(null)
    void openSnapshot(boardId, token, id).then((answer) => {
      if (current && answer.ok) {
        const { records, ...info } = answer.value
        setShown({ info, records })
      }
    })
    return () => {
      current = false
    }
  }, [boardId, token, id])
  if (!shown) return null
  const title = shown.info.kind === 'phase' ? shown.info.title : new Date(shown.info.createdAt).toLocaleString('it-IT')
  return (
    <div className="op-projector__snapshot" data-snapshot={id}>
      <p className="op-projector__snapshot-title">{t('projector.snapshot', { title })}</p>
      <div className="op-projector__snapshot-canvas">
        <SnapshotCanvas records={shown.records} licenseKey={licenseKey} hideUi onMount={setEditor} />
        {/* The legend of what the snapshot holds, not of the live board behind it. */}
        {editor && <Legend editor={editor} />}
      </div>
    </div>
  )
}
