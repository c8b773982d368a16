import type { Summon } from '@opificio/shared'
import { useEffect } from 'react'
import { react, type Editor, type TLPageId } from 'tldraw'
import { SeenSummons } from './summon.ts'
import { sessionIn } from './useSession.ts'

/** Goes where a summon points: its page, then its area, zoomed to fit, animated. */
export function goToSummon(editor: Editor, to: Omit<Summon, 'n'>) {
  const pageId = to.pageId as TLPageId
  if (!editor.getPage(pageId)) return
  // Following someone ends here: the facilitator's call comes first.
  if (editor.getInstanceState().followingUserId) editor.stopFollowingUser()
  if (editor.getCurrentPageId() !== pageId) editor.setCurrentPage(pageId)
  editor.zoomToBounds({ x: to.x, y: to.y, w: to.w, h: to.h }, { inset: 0, animation: { duration: 600 } })
}

/** Brings this page to each new summon of the facilitator's; never to one made before it loaded. */
export function SummonFollower({ editor }: { editor: Editor }) {
  useEffect(() => {
    const seen = new SeenSummons(sessionIn(editor).summon)
    let frame = 0
    const stop = react('follow summons', () => {
      const summon = seen.take(sessionIn(editor).summon)
      // Moved out of the reaction: it changes the camera and the page, which are other signals.
      if (summon) {
        cancelAnimationFrame(frame)
        frame = requestAnimationFrame(() => goToSummon(editor, summon))
      }
    })
    return () => {
      stop()
      cancelAnimationFrame(frame)
    }
  }, [editor])
  return null
}
