import { Box, getSvgAsImage, type Editor, type TLShapeId } from 'tldraw'
import { growsInExport, OVERFLOW_ATTRIBUTE } from '../diagram/shapes/svgText.tsx'

export { exportFileName } from './fileName.ts'

export interface ImageExportOptions {
  format: 'png' | 'svg'
  /** One frame and what it holds; the whole current page without it. */
  frameId?: string
  /** Pixels per board unit: 2 for a PNG (sharp in print), 1 for an SVG (its nominal size), unless given. */
  scale?: number
}

/** White around the drawing, in board units: a document's image should not touch its frame. */
const PADDING = 32
const SVG_NS = 'http://www.w3.org/2000/svg'

/**
 * The board, or one frame of it, as a self-contained image: tldraw's export (fonts embedded as
 * data, images inlined), on white, with room for the text a shape's export adds below its box.
 */
export async function exportBoardImage(editor: Editor, opts: ImageExportOptions): Promise<Blob> {
  const ids = opts.frameId ? [opts.frameId as TLShapeId] : [...editor.getCurrentPageShapeIds()]
  if (ids.length === 0) throw new Error('nothing to export')
  // The layouts measure text in the export's font: it must be there before they do.
  await editor.fonts.loadRequiredFontsForCurrentPage()
  const bounds = exportBounds(editor, ids)
  const scale = opts.scale ?? (opts.format === 'png' ? 2 : 1)
  const result = await editor.getSvgElement(ids, {
    bounds,
    padding: PADDING,
    background: true,
    scale: opts.format === 'svg' ? scale : 1,
  })
  if (!result) throw new Error('nothing to export')
  const svg = onWhite(unclipOverflow(result.svg))
  const text = new XMLSerializer().serializeToString(svg)
  if (opts.format === 'svg') return new Blob([text], { type: 'image/svg+xml' })
  // The scale as pixel ratio: the PNG records it as its resolution, so it prints at the board's size.
  const png = await getSvgAsImage(text, { type: 'png', width: result.width, height: result.height, pixelRatio: scale })
  if (!png) throw new Error('the browser could not draw the image')
  return png
}

/** The shapes' bounds, as tldraw takes them, grown by what their exports draw below their boxes. */
function exportBounds(editor: Editor, ids: TLShapeId[]): Box {
  const frame = ids.length === 1 ? editor.getShape(ids[0]) : undefined
  const single = frame && editor.isShapeFrameLike(frame)
  let box: Box | undefined = single ? editor.getShapePageBounds(frame)?.clone() : undefined
  for (const id of editor.getShapeAndDescendantIds(ids)) {
    const shape = editor.getShape(id)
    if (!shape || (single && id === frame.id)) continue
    const parts = [single ? undefined : editor.getShapeMaskedPageBounds(id)]
    const util = editor.getShapeUtil(shape)
    if (growsInExport(util)) {
      const height = util.exportHeight(shape)
      const own = editor.getShapeGeometry(shape).bounds
      if (height > own.h) {
        parts.push(Box.FromPoints(editor.getShapePageTransform(shape).applyToPoints(new Box(own.x, own.y, own.w, height).corners)))
      }
    }
    for (const part of parts) {
      if (!part) continue
      if (box) box.union(part)
      else box = part.clone()
    }
  }
  if (!box) throw new Error('nothing to export')
  return box
}

/** A shape whose export spills out of its box would be cut by the frame around it: not in a document. */
function unclipOverflow(svg: SVGSVGElement): SVGSVGElement {
  for (const spilled of svg.querySelectorAll(`[${OVERFLOW_ATTRIBUTE}]`)) {
    spilled.parentElement?.removeAttribute('clip-path')
    spilled.removeAttribute(OVERFLOW_ATTRIBUTE)
  }
  return svg
}

/** White behind everything, as a shape and not only a CSS background, which office suites ignore. */
function onWhite(svg: SVGSVGElement): SVGSVGElement {
  const [x, y, w, h] = (svg.getAttribute('viewBox') ?? '').split(' ').map(Number)
  const rect = svg.ownerDocument.createElementNS(SVG_NS, 'rect')
  for (const [name, value] of Object.entries({ x, y, width: w, height: h, fill: '#ffffff' })) rect.setAttribute(name, String(value))
  const defs = svg.querySelector(':scope > defs')
  svg.insertBefore(rect, defs ? defs.nextSibling : svg.firstChild)
  svg.style.backgroundColor = '#ffffff'
  return svg
}

/** Saves a blob as a file through the browser's download. */
export function downloadBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // The download reads the URL after the click returns: revoking at once can cancel it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
