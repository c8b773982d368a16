import { boardTables, templateOf, type ProcessTemplate } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import type { Editor } from 'tldraw'
import { labelText } from '../diagram/model/model.ts'
import type { Locale } from '../i18n/strings.ts'
import { fetchExport } from '../snapshots/snapshotApi.ts'
import { exportBoardImage, exportFileName } from './imageExport.ts'

export type ExportFormat = 'png' | 'svg' | 'pdf' | 'csv' | 'json' | 'tldr'
export const EXPORT_FORMATS: readonly ExportFormat[] = ['pdf', 'png', 'svg', 'csv', 'json', 'tldr']

/** What is exported: the live board, or a snapshot opened in its own editor. */
export interface ExportSource {
  /** The editor that draws it (the images are tldraw's drawing of it). */
  editor: Editor
  /** Read when the export starts: the live board goes on changing while the panel is open. */
  records(): UnknownRecord[]
  boardId: string
  token: string
  title: string
  phase: number | null
  snapshot: { id: string; title: string; note: string } | null
  /** One frame instead of the whole page, for PNG and SVG. */
  frameId?: string
}

export interface ExportRun {
  signal: AbortSignal
  onProgress(done: number, total: number): void
}

/**
 * Makes one export file. Images and the PDF are drawn here, where tldraw renders; the tables and
 * the `.tldr` come from the server, which owns the board. An aborted run rejects with an AbortError.
 */
export async function runExport(format: ExportFormat, source: ExportSource, locale: Locale, run: ExportRun): Promise<{ blob: Blob; name: string }> {
  const date = new Date()
  const frameName = source.frameId
    ? ((source.editor.getShape(source.frameId as never)?.props as { name?: string } | undefined)?.name ?? '')
    : undefined
  // A frame's or a snapshot's files carry its name too, so two phases' exports never share one.
  const name = (ext: string) =>
    exportFileName({ title: source.title, phase: source.phase ?? undefined, date, ext, frameName: frameName ?? source.snapshot?.title, locale })
  if (format === 'csv' || format === 'json' || format === 'tldr') {
    const answer = await fetchExport(source.boardId, source.token, format, source.snapshot?.id ?? null, locale, run.signal)
    if (!answer.ok) throw new Error(answer.error || `HTTP ${answer.status}`)
    return answer.value
  }
  if (format === 'png' || format === 'svg') {
    run.onProgress(0, 1)
    const blob = await exportBoardImage(source.editor, {
      format,
      frameId: source.frameId,
      scale: format === 'png' ? pixelScale(source.editor, 6000) : 1,
    })
    run.signal.throwIfAborted()
    return { blob, name: name(format) }
  }
  run.onProgress(0, 1)
  // pdf-lib and its font engine are half a megabyte: fetched the first time someone asks for a PDF.
  const [{ buildPdf }, { loadPdfFonts }] = await Promise.all([import('./pdf.ts'), import('./pdfFonts.ts')])
  const [fonts, png] = await Promise.all([
    loadPdfFonts(run.signal),
    exportBoardImage(source.editor, { format: 'png', scale: pixelScale(source.editor, 4000) }),
  ])
  run.signal.throwIfAborted()
  const image = await pngSize(png)
  const records = source.records()
  const template = templateOf((id) => records.find((r) => r.id === id))
  const bytes = await buildPdf(
    {
      locale,
      title: source.title,
      phase: phaseOf(template, source.phase, locale),
      date,
      snapshot: source.snapshot ? { title: source.snapshot.title, note: source.snapshot.note } : null,
      image,
      tables: boardTables(records, locale),
      fonts,
    },
    { signal: run.signal, onProgress: run.onProgress }
  )
  return { blob: new Blob([bytes as BlobPart], { type: 'application/pdf' }), name: name('pdf') }
}

function phaseOf(template: ProcessTemplate, phase: number | null, locale: Locale) {
  const p = template.phases.find((x) => x.number === phase)
  return p ? { number: p.number, label: labelText(p.label, locale), question: labelText(p.question, locale) } : null
}

/** A PNG's bytes and its size, read from its header (IHDR: width and height at bytes 16 and 20). */
async function pngSize(blob: Blob) {
  const png = new Uint8Array(await blob.arrayBuffer())
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  return { png, width: view.getUint32(16), height: view.getUint32(20) }
}

/** The board's document in an editor: what a snapshot or an export holds, without this tab's own state. */
export function documentRecords(editor: Editor): UnknownRecord[] {
  return editor.store.allRecords().filter((r) => editor.store.scopedTypes.document.has(r.typeName))
}

/**
 * Twice the board's size, sharp in print, up to `max` pixels on the long side: a page of A4 is
 * 3508 pixels long at 300 dpi, so a big board is drawn smaller rather than filling a file with
 * pixels nobody sees (a 300-element map at twice its size is 25 MiB of PNG).
 */
function pixelScale(editor: Editor, max: number): number {
  const bounds = editor.getCurrentPageBounds()
  if (!bounds) return 2
  return Math.min(2, max / Math.max(bounds.w, bounds.h, 1))
}
