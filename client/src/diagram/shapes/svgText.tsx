import { DefaultFontFaces, type Editor, type TLFontFace, type TLShape } from 'tldraw'
import { measuredOnce } from './measureCache.ts'

/**
 * Exports draw text in tldraw's own sans, not the canvas's system font: tldraw embeds the faces a
 * shape declares (getFontFaces) into every SVG and PNG, so a document shows the same letters on
 * any computer, and the wrapping measured here is the wrapping drawn there.
 */
export const EXPORT_FONT = 'tldraw_sans'
export const EXPORT_FONT_FACES: TLFontFace[] = [DefaultFontFaces.tldraw_sans.normal.normal, DefaultFontFaces.tldraw_sans.normal.bold]

export interface TextStyle {
  size: number
  bold?: boolean
  /** A multiple of the size, as CSS's unitless line-height. */
  lineHeight?: number
}

/** Text broken into the lines the browser would break it into, at a width. */
export interface WrappedText {
  /** Concatenated, they give back the text whole: the spaces a break falls on stay at line ends. */
  lines: string[]
  /** The widest line. */
  width: number
  lineHeight: number
  height: number
}

/** IBM Plex Sans (tldraw_sans) above and below its baseline, in ems. */
const PLEX_ASCENT = 1.025
const PLEX_DESCENT = 0.275

const weightOf = (style: TextStyle) => (style.bold ? 'bold' : 'normal')

/** Breaks `text` into lines no wider than `width`, as the browser lays it out in the export font. */
export function wrapText(editor: Editor, text: string, width: number, style: TextStyle): WrappedText {
  const key = JSON.stringify(['wrap', text, width, style.size, Boolean(style.bold), style.lineHeight ?? 1.25])
  return measuredOnce(editor, key, () => measureWrapped(editor, text, width, style))
}

function measureWrapped(editor: Editor, text: string, width: number, style: TextStyle): WrappedText {
  const lineHeight = style.size * (style.lineHeight ?? 1.25)
  const spans = editor.textMeasure.measureTextSpans(text, {
    overflow: 'wrap',
    width: Math.max(width, style.size),
    height: 0,
    padding: 0,
    fontSize: style.size,
    fontWeight: weightOf(style),
    fontFamily: EXPORT_FONT,
    fontStyle: 'normal',
    lineHeight: style.lineHeight ?? 1.25,
    textAlign: 'start',
  })
  const measured: string[] = []
  let top: number | null = null
  let right = 0
  for (const span of spans) {
    if (top === null || span.box.y > top + 1) {
      measured.push('')
      top = span.box.y
    }
    measured[measured.length - 1] += span.text
    if (span.text.trim()) right = Math.max(right, span.box.x + span.box.w)
  }
  const lines = keepWhole(text, measured)
  return { lines, width: Math.ceil(right), lineHeight, height: lines.length * lineHeight }
}

/**
 * The measured lines lose the spaces a line breaks on (the browser gives a collapsed space no box):
 * put them back at the line ends, so the exported text reads, copies and searches as typed.
 */
function keepWhole(text: string, measured: string[]): string[] {
  const lines: string[] = []
  let at = 0
  for (const line of measured) {
    const start = text.indexOf(line.trim(), at)
    if (start < 0) return measured
    if (lines.length) lines[lines.length - 1] += text.slice(at, start)
    lines.push(text.slice(start, start + line.trim().length))
    at = start + line.trim().length
  }
  if (lines.length) lines[lines.length - 1] += text.slice(at)
  return lines
}

/** The width of `text` on one line. */
export function textWidth(editor: Editor, text: string, style: TextStyle): number {
  const key = JSON.stringify(['width', text, style.size, Boolean(style.bold), style.lineHeight ?? 1.25])
  return measuredOnce(
    editor,
    key,
    () =>
      editor.textMeasure.measureText(text, {
        fontFamily: EXPORT_FONT,
        fontSize: style.size,
        fontWeight: weightOf(style),
        fontStyle: 'normal',
        lineHeight: style.lineHeight ?? 1.25,
        maxWidth: null,
        padding: '0px',
      }).w
  )
}

/** Wrapped lines as one SVG text, its first line's box at (x, y). */
export function TextLines({
  text,
  x,
  y,
  style,
  fill,
  anchor,
}: {
  text: WrappedText
  x: number
  y: number
  style: TextStyle
  fill: string
  anchor?: 'start' | 'end'
}) {
  // The alphabetic baseline, placed as CSS places it in a line box: viewers other than browsers
  // (office suites, Inkscape) ignore the other baselines.
  const baseline = text.lineHeight / 2 + ((PLEX_ASCENT - PLEX_DESCENT) * style.size) / 2
  return (
    <text fontFamily={EXPORT_FONT} fontSize={style.size} fontWeight={weightOf(style)} fill={fill} textAnchor={anchor}>
      {text.lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line is its position, redrawn whole
        <tspan key={i} x={x} y={y + i * text.lineHeight + baseline}>
          {line}
        </tspan>
      ))}
    </text>
  )
}

/** Whether the export font is in the page: text measured in a fallback font must not be kept. */
export function exportFontsReady(editor: Editor): boolean {
  const fonts = editor.getContainer().ownerDocument.fonts
  return fonts.check(`16px ${EXPORT_FONT}`) && fonts.check(`bold 16px ${EXPORT_FONT}`)
}

/**
 * A shape whose export may be taller than its box on the canvas (text that the canvas clips).
 * The export makes room for it and lifts the clip of a frame around it.
 */
export interface GrowsInExport<S extends TLShape = TLShape> {
  exportHeight(shape: S): number
}

export function growsInExport(util: object): util is GrowsInExport {
  return typeof (util as Partial<GrowsInExport>).exportHeight === 'function'
}

/** Marks a shape's export that spills out of its box, for the export to unclip. */
export const OVERFLOW_ATTRIBUTE = 'data-op-overflow'

export function overflowMark(exportH: number, canvasH: number) {
  return exportH > canvasH ? { [OVERFLOW_ATTRIBUTE]: 'true' } : {}
}
