import { rgb } from 'pdf-lib'
import { MUTED, type PageFlow, RULE, wrap } from './pdfLayout.ts'
import type { PdfJob } from './pdfJob.ts'

export interface TableSpec {
  title: string
  /** Said in place of the table when it has no rows. */
  empty: string
  /** The section title repeated on the pages the table continues on. */
  continued: string
  columns: { header: string /** share of the page width */; width: number }[]
  rows: string[][]
}

const SIZE = 8.5
const LEADING = 11
const PAD_X = 4
const PAD_Y = 3.5
const TITLE_SIZE = 14
const TITLE_GAP = 26
const CONTINUED_SIZE = 9
const CONTINUED_GAP = 16
const HEADER_FILL = rgb(0.9, 0.93, 0.94)
/** A row taller than a page starts on the current page only if this many of its lines fit there. */
const MIN_SPLIT_LINES = 3

/**
 * Writes a section title and its table: the column headers are repeated at the top of every page
 * the table spans, a row that does not fit moves whole to the next page, and only a row taller
 * than a whole page is split, between lines.
 */
export async function drawTable(flow: PageFlow, table: TableSpec, job: PdfJob): Promise<void> {
  const { regular, bold } = flow.fonts
  const widths = table.columns.map((c) => c.width * flow.width)
  const header = table.columns.map((c, i) => wrap(c.header, bold, SIZE, widths[i] - 2 * PAD_X))
  const headerLines = Math.max(...header.map((l) => l.length))
  const headerHeight = headerLines * LEADING + 2 * PAD_Y

  const drawCells = (cells: string[][], from: number, to: number, font = regular) => {
    const top = flow.y
    let x = flow.left
    cells.forEach((lines, i) => {
      lines.slice(from, to).forEach((text, k) => {
        flow.line(text, x + PAD_X, top - PAD_Y - (k + 1) * LEADING + (LEADING - SIZE) / 2 + 1, { font, size: SIZE })
      })
      x += widths[i]
    })
    flow.y -= (to - from) * LEADING + 2 * PAD_Y
  }
  const drawHeader = () => {
    flow.page.drawRectangle({ x: flow.left, y: flow.y - headerHeight, width: flow.width, height: headerHeight, color: HEADER_FILL })
    drawCells(header, 0, headerLines, bold)
  }
  const continueOnNewPage = async () => {
    await job.pause()
    flow.addPage()
    flow.y -= CONTINUED_GAP
    flow.line(table.continued, flow.left, flow.y + 4, { font: bold, size: CONTINUED_SIZE, color: MUTED })
    drawHeader()
  }

  const wrapRow = (row: string[]) => row.map((text, i) => wrap(text, regular, SIZE, widths[i] - 2 * PAD_X))
  const linesPerPage = Math.floor((flow.pageRoom - CONTINUED_GAP - headerHeight - 2 * PAD_Y) / LEADING)
  // The title and headers go where the first row can follow them, never alone at a page's foot.
  const firstRow = table.rows.length > 0 ? rowHeight(wrapRow(table.rows[0])) : 1
  const firstLines = firstRow > linesPerPage ? MIN_SPLIT_LINES : firstRow
  if (flow.room < TITLE_GAP + headerHeight + firstLines * LEADING + 2 * PAD_Y) {
    await job.pause()
    flow.addPage()
  }
  flow.y -= TITLE_GAP
  flow.line(table.title, flow.left, flow.y + 6, { font: bold, size: TITLE_SIZE })
  if (table.rows.length === 0) {
    flow.paragraph(table.empty, { font: regular, size: 10, leading: 14, color: MUTED })
    flow.y -= LEADING
    return
  }
  drawHeader()
  for (const row of table.rows) {
    job.advance()
    const cells = wrapRow(row)
    const height = rowHeight(cells)
    let from = 0
    while (from < height) {
      const fits = Math.floor((flow.room - 2 * PAD_Y) / LEADING)
      const rest = height - from
      if (rest <= fits) {
        drawCells(cells, from, height)
        from = height
      } else if (rest > linesPerPage && fits >= MIN_SPLIT_LINES) {
        drawCells(cells, from, from + fits)
        from += fits
        await continueOnNewPage()
      } else {
        await continueOnNewPage()
      }
    }
    flow.rule(flow.y, 0.4, RULE)
  }
  flow.y -= LEADING
}

function rowHeight(cells: string[][]): number {
  return Math.max(...cells.map((lines) => lines.length))
}
