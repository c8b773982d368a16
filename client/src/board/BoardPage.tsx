import { linkToken, type BoardView } from '@opificio/shared'
import { useEffect, useState } from 'react'
import { useT } from '../i18n/translate.ts'
import { ProjectorView } from '../projector/ProjectorView.tsx'
import { useUserStore } from '../user/userStore.ts'
import { useMyBoards } from '../home/myBoards.ts'
import { BoardCanvas } from './BoardCanvas.tsx'
import { fetchBoardView } from './boardApi.ts'
import { NameDialog } from './NameDialog.tsx'
import { LinkIncomplete, NotFound } from './NotFound.tsx'

type Opening = { status: 'asking' } | { status: 'not-found' } | { status: 'open'; view: BoardView }

/**
 * What the link opens, asked of the server before anything else: a projector's link opens the
 * projector view and asks for no name; the others ask for a name once and open the board. Without
 * an answer nothing could be shown anyway (the board comes from the same server), so the page
 * asks again until it has one.
 */
function useOpening(boardId: string, token: string | null): Opening {
  const [opening, setOpening] = useState<Opening>({ status: 'asking' })
  useEffect(() => {
    if (!token) return
    let cancelled = false
    let retry: ReturnType<typeof setTimeout> | undefined
    const ask = async (attempt: number) => {
      const view = await fetchBoardView(boardId, token)
      if (cancelled) return
      if (view.ok) setOpening({ status: 'open', view: view.value })
      else if (view.status === 404 || view.status === 401) setOpening({ status: 'not-found' })
      else retry = setTimeout(() => void ask(attempt + 1), Math.min(10_000, 500 * 2 ** attempt))
    }
    void ask(0)
    return () => {
      cancelled = true
      clearTimeout(retry)
    }
  }, [boardId, token])
  return opening
}

/**
 * A board opened by a role link, /b/<id>#<token>. The token stays in the fragment (browsers never
 * send it to a server, and a reload keeps it); the page sends it in its hello and as a Bearer.
 */
export function BoardPage({ boardId }: { boardId: string }) {
  const t = useT()
  const name = useUserStore((s) => s.name)
  const token = linkToken(window.location.hash)
  const opening = useOpening(boardId, token)

  useEffect(() => {
    // Another link pasted into this tab changes only the fragment: connect anew with its token.
    const reopen = () => {
      if (linkToken(window.location.hash) !== token) window.location.reload()
    }
    window.addEventListener('hashchange', reopen)
    return () => window.removeEventListener('hashchange', reopen)
  }, [token])

  const facilitated = opening.status === 'open' && opening.view.role === 'facilitator' ? opening.view : null
  useEffect(() => {
    // This device facilitates the board: the home page lists it, with the link that opens it.
    if (facilitated?.links.facilitator)
      useMyBoards.getState().remember({ id: boardId, title: facilitated.title, link: facilitated.links.facilitator })
  }, [facilitated, boardId])

  if (!token) return <LinkIncomplete />
  if (opening.status === 'not-found') return <NotFound />
  if (opening.status === 'asking') {
    return (
      <p className="op-board__loading" role="status">
        {t('board.opening')}
      </p>
    )
  }
  // The server decides the role from the token again on connecting: this only picks the page.
  if (opening.view.role === 'projector') return <ProjectorView boardId={boardId} token={token} />
  if (!name) return <NameDialog boardTitle={opening.view.title} />
  return <BoardCanvas boardId={boardId} token={token} />
}
