import fontkit from '@pdf-lib/fontkit'
import type { BoardTables } from '@opificio/shared'
import { PDFDocument } from 'pdf-lib'
import type { Locale, StringKey } from '../i18n/strings.ts'
import { translate } from '../i18n/translate.ts'
import { PdfJob, type PdfJobOptions } from './pdfJob.ts'
import { A4_LANDSCAPE, A4_PORTRAIT, ACCENT, type Fonts, INK, MUTED, PageFlow, RULE } from './pdfLayout.ts'
import { drawTable } from './pdfTable.ts'
import { pdfTables } from './pdfTables.ts'
import { formatPdfDate, textCleaner } from './pdfText.ts'

export interface PdfInput {
  locale: Locale
  title: string
  phase: { number: number; label: string; question: string } | null
  date: Date
  snapshot?: { title: string; note: string } | null
  /** The board, drawn by tldraw elsewhere. */
  image: { png: Uint8Array; width: number; height: number } | null
  tables: BoardTables
  fonts: { regular: Uint8Array; bold: Uint8Array }
}

/** Steps that are not table rows: the title page, the board image, writing the file. */
const FIXED_STEPS = 3

/**
 * The board as a document to attach to the Documento di Proposta Partecipata: a title page, the
 * board's image, then its tables. Rejects with an AbortError once `signal` is aborted.
 */
export async function buildPdf(input: PdfInput, opts: PdfJobOptions = {}): Promise<Uint8Array> {
  const clean = textCleaner(input.fonts)
  const tables = pdfTables(input.tables, input.locale, clean)
  const job = new PdfJob(FIXED_STEPS + tables.reduce((n, table) => n + table.rows.length, 0), opts)
  job.checkCancelled()
  const t = (key: StringKey, vars?: Record<string, string | number>) => translate(input.locale, key, vars)

  const doc = await PDFDocument.create()
  doc.registerFontkit(fontkit)
  const fonts: Fonts = {
    regular: await doc.embedFont(input.fonts.regular, { subset: true }),
    bold: await doc.embedFont(input.fonts.bold, { subset: true }),
  }
  const title = clean(input.title)
  setMetadata(doc, input, title)
  const flow = new PageFlow(doc, fonts)

  titlePage(flow, input, title, clean, t)
  job.advance()
  await job.pause()
  if (input.image) await imagePage(flow, doc, input.image, t('pdf.section.board'))
  job.advance()
  await job.pause()
  flow.addPage()
  for (const table of tables) await drawTable(flow, table, job)
  flow.footers(`${t('pdf.brand')} · ${title}`, (n, total) => t('pdf.page', { n, total }))
  await job.pause()

  const bytes = await doc.save()
  job.advance()
  await job.pause()
  return bytes
}

function setMetadata(doc: PDFDocument, input: PdfInput, title: string): void {
  doc.setTitle(title, { showInWindowTitleBar: true })
  doc.setAuthor('Opificio')
  doc.setCreator('Opificio')
  doc.setProducer('Opificio')
  doc.setLanguage(input.locale === 'it' ? 'it-IT' : 'en-GB')
  doc.setCreationDate(input.date)
  doc.setModificationDate(input.date)
  if (input.phase) doc.setSubject(translate(input.locale, 'phase.option', { number: input.phase.number, label: input.phase.label }))
}

function titlePage(
  flow: PageFlow,
  input: PdfInput,
  title: string,
  clean: (text: string) => string,
  t: (key: StringKey, vars?: Record<string, string | number>) => string
): void {
  const { regular, bold } = flow.fonts
  const label = (text: string) => {
    flow.y -= 18
    flow.paragraph(text.toLocaleUpperCase(input.locale), { font: bold, size: 8.5, leading: 13, color: MUTED })
  }
  flow.addPage()
  flow.y -= 60
  flow.paragraph(t('pdf.brand'), { font: bold, size: 15, leading: 20, color: ACCENT })
  flow.y -= 10
  flow.rule(flow.y, 1.2, ACCENT)
  flow.y -= 24
  flow.paragraph(title, { font: bold, size: 26, leading: 32 })
  if (input.phase) {
    flow.y -= 8
    flow.paragraph(t('phase.option', { number: input.phase.number, label: clean(input.phase.label) }), {
      font: regular,
      size: 15,
      leading: 20,
      color: ACCENT,
    })
  }
  label(t('pdf.label.date'))
  flow.paragraph(formatPdfDate(input.date, input.locale), { font: regular, size: 12, leading: 16 })
  if (input.phase?.question) {
    label(t('pdf.label.question'))
    flow.paragraph(clean(input.phase.question), { font: regular, size: 13, leading: 18, color: INK })
  }
  if (input.snapshot) {
    label(t('pdf.label.snapshot'))
    flow.paragraph(clean(input.snapshot.title), { font: bold, size: 12, leading: 16 })
    if (input.snapshot.note) flow.paragraph(clean(input.snapshot.note), { font: regular, size: 11, leading: 15 })
  }
}

/** The board on a page of its own, as large as the page allows; a wide board gets a landscape page. */
async function imagePage(flow: PageFlow, doc: PDFDocument, image: NonNullable<PdfInput['image']>, heading: string): Promise<void> {
  const png = await doc.embedPng(image.png)
  flow.addPage(image.width > image.height ? A4_LANDSCAPE : A4_PORTRAIT)
  flow.paragraph(heading, { font: flow.fonts.bold, size: 14, leading: 18 })
  flow.y -= 10
  const scale = Math.min(flow.width / image.width, flow.room / image.height)
  const width = image.width * scale
  const height = image.height * scale
  const x = flow.left + (flow.width - width) / 2
  flow.page.drawImage(png, { x, y: flow.y - height, width, height })
  // The board's background may be transparent: on paper the frame shows where it ends.
  flow.page.drawRectangle({ x, y: flow.y - height, width, height, borderColor: RULE, borderWidth: 0.5 })
}
