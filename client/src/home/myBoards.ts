import { linkToken } from '@opificio/shared'
import { create } from 'zustand'
import { persist } from 'zustand/middleware'

/** A board this device facilitates: its facilitator link (token in the fragment) opens it again. */
export interface MyBoard {
  id: string
  title: string
  link: string
}

interface MyBoardsState {
  boards: MyBoard[]
  remember(board: MyBoard): void
  forget(id: string): void
}

/**
 * The boards facilitated on this device, newest first, so a facilitator finds their link again
 * (and the home page has a facilitator's token to import a file with). Kept in this browser
 * only; "forget" takes a board off a shared computer.
 */
export const useMyBoards = create<MyBoardsState>()(
  persist(
    (set) => ({
      boards: [],
      remember: (board) => set((s) => ({ boards: [board, ...s.boards.filter((b) => b.id !== board.id)].slice(0, 50) })),
      forget: (id) => set((s) => ({ boards: s.boards.filter((b) => b.id !== id) })),
    }),
    { name: 'opificio.myBoards' }
  )
)

/** The facilitator token of a link, or null for anything that is not one of ours. */
export function tokenOfLink(link: string): string | null {
  try {
    return linkToken(new URL(link, window.location.href).hash)
  } catch {
    return null
  }
}
