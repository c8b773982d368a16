import { useUserStore } from '../user/userStore.ts'
import { BoardCanvas } from './BoardCanvas.tsx'
import { NameDialog } from './NameDialog.tsx'

export function BoardPage({ boardId }: { boardId: string }) {
  const name = useUserStore((s) => s.name)
  if (!name) return <NameDialog />
  return <BoardCanvas boardId={boardId} />
}
