import { BoardPage } from '../board/BoardPage.tsx'
import { HomePage } from '../home/HomePage.tsx'

/** Two pages, so no router: the path decides. */
export function App() {
  const match = window.location.pathname.match(/^\/b\/([A-Za-z0-9_-]+)\/?$/)
  if (match) return <BoardPage boardId={match[1]} />
  return <HomePage />
}
