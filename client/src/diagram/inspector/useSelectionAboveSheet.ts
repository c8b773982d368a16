import { useEffect } from 'react'
import { useValue, type Editor } from 'tldraw'
import { MARGIN, sheetHeight, shiftInto } from './sheetRoom.ts'

/** tldraw's popover that holds the style panel (here, the inspector) on a phone. */
const SHEET = '.tlui-popover__content:has(.op-inspector)'
/** Frames to wait for the popover to settle where Radix places it. */
const SETTLE_FRAMES = 60

/** The foot of tldraw's controls along the top of the canvas (the page menu, the people here). */
function canvasTop(editor: Editor): number {
  const container = editor.getContainer()
  // The zones' columns run the canvas's height: what they hold is what covers it.
  const controls = [...container.querySelectorAll('.tlui-layout__top > * > *')].map((el) => el.getBoundingClientRect())
  return Math.max(container.getBoundingClientRect().top, ...controls.filter((box) => box.width > 0 && box.height > 0).map((box) => box.bottom))
}

/** The selection's box on the screen, in CSS pixels. */
function selectionOnScreen(editor: Editor) {
  const bounds = editor.getSelectionPageBounds()
  if (!bounds) return null
  const topLeft = editor.pageToScreen({ x: bounds.minX, y: bounds.minY })
  const bottomRight = editor.pageToScreen({ x: bounds.maxX, y: bounds.maxY })
  return { x: topLeft.x, y: topLeft.y, w: bottomRight.x - topLeft.x, h: bottomRight.y - topLeft.y }
}

/**
 * Calls back with the sheet's box once it stays put: Radix places the popover (first off the
 * screen, then above its button) a frame or more after each change of its size.
 */
function whenSettled(sheet: HTMLElement, alive: () => boolean, then: (box: DOMRect) => void) {
  let last = ''
  const look = (frames: number) => {
    if (!alive()) return
    const box = sheet.getBoundingClientRect()
    const where = `${box.top} ${box.bottom}`
    if ((where !== last || box.top < 0) && frames > 0) {
      last = where
      requestAnimationFrame(() => look(frames - 1))
    } else then(box)
  }
  look(SETTLE_FRAMES)
}

/** Sizes the sheet to leave the selection its room, then pans (never zooms) the selection into it. */
function makeRoom(editor: Editor, sheet: HTMLElement, alive: () => boolean) {
  whenSettled(sheet, alive, (placed) => {
    const selection = selectionOnScreen(editor)
    if (!selection) return
    const top = canvasTop(editor) + MARGIN
    const height = sheetHeight({ top, foot: placed.bottom, selection: selection.h, screen: window.innerHeight })
    sheet.style.setProperty('--op-sheet-height', `${height}px`)
    whenSettled(sheet, alive, (sized) => {
      const container = editor.getContainer().getBoundingClientRect()
      const room = { x: container.left + MARGIN, y: top, w: container.width - 2 * MARGIN, h: sized.top - MARGIN - top }
      const { dx, dy } = shiftInto(selection, room)
      if (Math.abs(dx) < 1 && Math.abs(dy) < 1) return
      const camera = editor.getCamera()
      editor.setCamera({ x: camera.x + dx / camera.z, y: camera.y + dy / camera.z, z: camera.z }, { animation: { duration: 200 } })
    })
  })
}

/**
 * On a phone the inspector opens as a sheet above tldraw's toolbar: what it edits stays in sight
 * above it, the sheet taking only the height the selection leaves, the canvas panned to it.
 */
export function useSelectionAboveSheet(editor: Editor, onSheet: boolean) {
  const selected = useValue('selection bounds', () => editor.getSelectionPageBounds(), [editor])
  useEffect(() => {
    if (!onSheet || !selected) return
    let alive = true
    const find = (frames: number) => {
      if (!alive) return
      const sheet = editor.getContainer().querySelector<HTMLElement>(SHEET)
      if (sheet) makeRoom(editor, sheet, () => alive)
      else if (frames > 0) requestAnimationFrame(() => find(frames - 1))
    }
    find(SETTLE_FRAMES)
    return () => {
      alive = false
    }
  }, [editor, onSheet, selected])
}
