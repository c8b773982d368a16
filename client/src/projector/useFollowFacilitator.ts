import { useEffect, useState } from 'react'
import { useValue, type Editor, type TLPageId } from 'tldraw'
import { chooseLeader, followCamera, minReadableZoom, NAME_PX } from './projectorView.ts'

const FOLLOW_ANIMATION = { animation: { duration: 280 }, force: true } as const

/**
 * Keeps the projector's camera on the facilitator's view, read from the presence the server
 * relays (stamped with its role). A facilitator who reloads or reconnects comes back as a new
 * presence, and so does the whole room for a projector that reloads: the choice is made again
 * whenever presences change, so following resumes by itself. The camera is locked against the
 * mouse and the wheel: only following moves it. Returns whether someone is being followed.
 */
export function useFollowFacilitator(editor: Editor | null): boolean {
  // Names are made readable on the projected image as a whole (the window), not on the canvas part of it.
  const imageWidth = useWindowWidth()
  useEffect(() => {
    editor?.setCameraOptions({ isLocked: true })
  }, [editor])

  const target = useValue('projector camera', () => {
    if (!editor) return null
    const leader = chooseLeader(editor.getCollaborators())
    if (!leader?.camera || !leader.screenBounds) return null
    const ours = editor.getViewportScreenBounds()
    if (ours.w <= 0 || ours.h <= 0) return null
    const camera = followCamera({ camera: leader.camera, screenBounds: leader.screenBounds }, ours, minReadableZoom(imageWidth, NAME_PX.medium))
    // A string, so that an unchanged view is an unchanged value and moves nothing.
    return JSON.stringify({ pageId: leader.currentPageId, ...camera })
  }, [editor])

  useEffect(() => {
    if (!editor || !target) return
    const { pageId, x, y, z } = JSON.parse(target) as { pageId: TLPageId; x: number; y: number; z: number }
    if (pageId !== editor.getCurrentPageId() && editor.getPage(pageId)) {
      editor.setCurrentPage(pageId)
      editor.setCamera({ x, y, z }, { force: true })
    } else editor.setCamera({ x, y, z }, FOLLOW_ANIMATION)
  }, [editor, target])

  return target !== null
}

function useWindowWidth(): number {
  const [width, setWidth] = useState(() => window.innerWidth)
  useEffect(() => {
    const onResize = () => setWidth(window.innerWidth)
    window.addEventListener('resize', onResize)
    return () => window.removeEventListener('resize', onResize)
  }, [])
  return width
}
