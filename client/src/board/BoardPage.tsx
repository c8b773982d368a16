import { linkToken } from '@opificio/shared'
import { useEffect } from 'react'
import { useUserStore } from '../user/userStore.ts'
import { BoardCanvas } from './BoardCanvas.tsx'
import { NameDialog } from './NameDialog.tsx'
import { LinkIncomplete } from './NotFound.tsx'

/**
 * A board opened by a role link, /b/<id>#<token>. The token stays in the fragment (browsers never
 * send it to a server, and a reload keeps it); the page sends it in its hello and as a Bearer.
 */
export function BoardPage({ boardId }: { boardId: string }) {
  const name = useUserStore((s) => s.name)
  const token = linkToken(window.location.hash)

  useEffect(() => {
    // Another link pasted into this tab changes only the fragment: connect anew with its token.
    const reopen = () => {
      if (linkToken(window.location.hash) !== token) window.location.reload()
    }
    window.addEventListener('hashchange', reopen)
    return () => window.removeEventListener('hashchange', reopen)
  }, [token])

  if (!token) return <LinkIncomplete />
  if (!name) return <NameDialog />
  return <BoardCanvas boardId={boardId} token={token} />
}
