import { type PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib'

export const A4_PORTRAIT: [number, number] = [595.28, 841.89]
export const A4_LANDSCAPE: [number, number] = [841.89, 595.28]
export const MARGIN = 50
/** Room kept under the content for the page footer. */
const FOOTER_ROOM = 24

export const INK = rgb(0.1, 0.1, 0.1)
export const MUTED = rgb(0.38, 0.38, 0.38)
export const ACCENT = rgb(0.09, 0.33, 0.4)
export const RULE = rgb(0.78, 0.78, 0.78)

export interface Fonts {
  regular: PDFFont
  bold: PDFFont
}

export interface TextStyle {
  font: PDFFont
  size: number
  leading: number
  color?: ReturnType<typeof rgb>
}

/** Measuring through fontkit's layout is slow; a board repeats the same words over hundreds of rows. */
const widths = new WeakMap<PDFFont, Map<string, number>>()
export function measure(text: string, font: PDFFont, size: number): number {
  let cache = widths.get(font)
  if (!cache) {
    cache = new Map()
    widths.set(font, cache)
  }
  let units = cache.get(text)
  if (units === undefined) {
    units = font.widthOfTextAtSize(text, 1000)
    cache.set(text, units)
  }
  return (units * size) / 1000
}

/**
 * Breaks text into lines no wider than `width`, at spaces and at the text's own line breaks; a
 * word wider than the column is broken between characters, so nothing is ever cut off.
 */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = []
  const space = measure(' ', font, size)
  for (const paragraph of text.split('\n')) {
    let line = ''
    let lineWidth = 0
    for (const word of paragraph.split(' ').filter((w) => w !== '')) {
      const w = measure(word, font, size)
      if (line !== '' && lineWidth + space + w <= width) {
        line += ` ${word}`
        lineWidth += space + w
        continue
      }
      if (line !== '') lines.push(line)
      if (w <= width) {
        line = word
        lineWidth = w
        continue
      }
      const pieces = breakWord(word, font, size, width)
      lines.push(...pieces.slice(0, -1))
      line = pieces[pieces.length - 1]
      lineWidth = measure(line, font, size)
    }
    lines.push(line)
  }
  return lines
}

function breakWord(word: string, font: PDFFont, size: number, width: number): string[] {
  const pieces: string[] = []
  let piece = ''
  for (const ch of word) {
    if (piece !== '' && measure(piece + ch, font, size) > width) {
      pieces.push(piece)
      piece = ''
    }
    piece += ch
  }
  pieces.push(piece)
  return pieces
}

/** Shortens a one-line text with an ellipsis to fit `width` (for footers, where wrapping has no room). */
export function fitLine(text: string, font: PDFFont, size: number, width: number): string {
  if (measure(text, font, size) <= width) return text
  const chars = Array.from(text)
  while (chars.length > 0 && measure(`${chars.join('')}…`, font, size) > width) chars.pop()
  return `${chars.join('').trimEnd()}…`
}

/** The pages written so far and where on the last one the next content goes. */
export class PageFlow {
  readonly pages: PDFPage[] = []
  page!: PDFPage
  /** The top of the free space on the current page. */
  y = 0

  constructor(
    private readonly doc: PDFDocument,
    readonly fonts: Fonts
  ) {}

  addPage(size: [number, number] = A4_PORTRAIT): PDFPage {
    this.page = this.doc.addPage(size)
    this.pages.push(this.page)
    this.y = this.page.getHeight() - MARGIN
    return this.page
  }

  get left(): number {
    return MARGIN
  }

  get width(): number {
    return this.page.getWidth() - 2 * MARGIN
  }

  get bottom(): number {
    return MARGIN + FOOTER_ROOM
  }

  /** Height available for content on an empty page of the current size. */
  get pageRoom(): number {
    return this.page.getHeight() - MARGIN - this.bottom
  }

  get room(): number {
    return this.y - this.bottom
  }

  /** Writes wrapped text at the cursor, going on to new pages as it fills them. */
  paragraph(text: string, style: TextStyle, indent = 0): void {
    for (const line of wrap(text, style.font, style.size, this.width - indent)) {
      if (this.room < style.leading) this.addPage()
      this.y -= style.leading
      this.line(line, this.left + indent, this.y + (style.leading - style.size) / 2, style)
    }
  }

  line(text: string, x: number, baseline: number, style: Omit<TextStyle, 'leading'>): void {
    if (text !== '') this.page.drawText(text, { x, y: baseline, font: style.font, size: style.size, color: style.color ?? INK })
  }

  rule(y: number, thickness = 0.5, color = RULE): void {
    this.page.drawLine({ start: { x: this.left, y }, end: { x: this.left + this.width, y }, thickness, color })
  }

  /** The footer on every page, once the page count is known. */
  footers(left: string, pageLabel: (n: number, total: number) => string): void {
    const size = 8
    const font = this.fonts.regular
    this.pages.forEach((page, i) => {
      const right = pageLabel(i + 1, this.pages.length)
      const rightWidth = measure(right, font, size)
      const width = page.getWidth() - 2 * MARGIN
      const y = MARGIN - 4
      page.drawLine({ start: { x: MARGIN, y: y + 12 }, end: { x: MARGIN + width, y: y + 12 }, thickness: 0.5, color: RULE })
      page.drawText(fitLine(left, font, size, width - rightWidth - 16), { x: MARGIN, y, font, size, color: MUTED })
      page.drawText(right, { x: MARGIN + width - rightWidth, y, font, size, color: MUTED })
    })
  }
}
