import { lazy, Suspense } from 'react'
import { HomePage } from '../home/HomePage.tsx'
import { AccessibilityStatement, STATEMENT_PATH } from './AccessibilityStatement.tsx'
import { loadRuntimeConfig } from './runtimeConfig.ts'
import { BoardLoading } from './useRuntimeConfig.tsx'

// tldraw is most of the client's weight: only a board page fetches it.
const BoardPage = lazy(() => import('../board/BoardRoute.ts'))

/** Three pages, so no router: the path decides. */
export function App() {
  const path = window.location.pathname
  const match = path.match(/^\/b\/([A-Za-z0-9_-]+)\/?$/)
  if (match) {
    // Asked for while the board's code downloads, not once the board page is drawn: a round trip
    // less before the board on a phone's network.
    void loadRuntimeConfig()
    return (
      <Suspense fallback={<BoardLoading />}>
        <BoardPage boardId={match[1]} />
      </Suspense>
    )
  }
  if (path.replace(/\/$/, '') === STATEMENT_PATH) return <AccessibilityStatement />
  return <HomePage />
}
