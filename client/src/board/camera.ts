import { react, type Editor, type TLCameraOptions, type TLPageId } from 'tldraw'
import { goToSummon } from '../session/SummonFollower.tsx'
import { phaseTarget } from '../session/phaseTargets.ts'

/**
 * Zoom from 1/8 to 8. tldraw paints its hatched fill once for every power of two up to the ratio
 * of the last step to the first, in device pixels: its default, 1/20 to 8, painted squares of
 * 2,048 px a side times the screen's pixel ratio at every page load, 240 ms of the main thread
 * here before a 2,000-record board answered (nine times the pixels on a phone at ratio 3).
 * From 1/8 the largest is 512 px a side.
 */
export const CAMERA_OPTIONS: Partial<TLCameraOptions> = { zoomSteps: [0.125, 0.25, 0.5, 1, 2, 4, 8] }

interface SavedView {
  pageId: string
  x: number
  y: number
  z: number
}

const key = (boardId: string) => `opificio:camera:${boardId}`

function saved(boardId: string): SavedView | null {
  try {
    const view = JSON.parse(localStorage.getItem(key(boardId)) ?? 'null') as SavedView | null
    return view && [view.x, view.y, view.z].every(Number.isFinite) && view.z > 0 ? view : null
  } catch {
    return null
  }
}

/**
 * Where this device last looked at this board, back after a reload: a page and camera are the
 * screen's own (never shared), so tldraw starts every load at the origin. Kept per board, on this
 * device only.
 */
export function keepCamera(editor: Editor, boardId: string): () => void {
  const view = saved(boardId)
  if (view && editor.getPage(view.pageId as TLPageId)) {
    if (editor.getCurrentPageId() !== view.pageId) editor.setCurrentPage(view.pageId as TLPageId)
    editor.setCamera({ x: view.x, y: view.y, z: view.z })
  }
  let next: SavedView | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const save = () => {
    clearTimeout(timer)
    if (!next) return
    try {
      localStorage.setItem(key(boardId), JSON.stringify(next))
    } catch {
      // Storage full or refused (private mode): the view is simply not kept.
    }
    next = undefined
  }
  const stop = react('keep camera', () => {
    const { x, y, z } = editor.getCamera()
    next = { pageId: editor.getCurrentPageId(), x, y, z }
    // A pan moves the camera every frame: write once it settles, or as the page goes.
    clearTimeout(timer)
    timer = setTimeout(save, 400)
  })
  window.addEventListener('pagehide', save)
  return () => {
    stop()
    save()
    window.removeEventListener('pagehide', save)
  }
}

/** Brings phase `n`'s frames into view, on whichever page holds them; false when the board has none. */
export function goToPhase(editor: Editor, n: number): boolean {
  const target = phaseTarget(editor, n)
  if (!target) return false
  goToSummon(editor, target)
  return true
}
