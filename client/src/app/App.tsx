import { BoardPage } from '../board/BoardPage.tsx'
import { HomePage } from '../home/HomePage.tsx'
import { AccessibilityStatement, STATEMENT_PATH } from './AccessibilityStatement.tsx'

/** Three pages, so no router: the path decides. */
export function App() {
  const path = window.location.pathname
  const match = path.match(/^\/b\/([A-Za-z0-9_-]+)\/?$/)
  if (match) return <BoardPage boardId={match[1]} />
  if (path.replace(/\/$/, '') === STATEMENT_PATH) return <AccessibilityStatement />
  return <HomePage />
}
