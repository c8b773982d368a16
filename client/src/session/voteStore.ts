import type { BallotMessage, MyDotsMessage } from '@opificio/shared'
import { create } from 'zustand'
import type { MyDots } from './votes.ts'

/**
 * The board's connection, as far as dot voting needs it: how to send a ballot, and where this
 * person's own dots are, as the server tells them (to them alone, never through the board).
 * Filled by useBoardSync while a board is open.
 */
interface VoteLink {
  /** Sends a ballot if online; null while no board is open. */
  ballot: ((message: BallotMessage) => void) | null
  /** This person's dots, by vote id. */
  told: Record<string, MyDots>
  attach(ballot: (message: BallotMessage) => void): void
  tell(message: MyDotsMessage): void
  /** Forgets what was told: the server tells again what still holds, after a welcome. */
  forget(): void
  detach(): void
}

export const useVoteLink = create<VoteLink>()((set) => ({
  ballot: null,
  told: {},
  attach: (ballot) => set({ ballot }),
  tell: ({ voteId, mine, left }) => set((s) => ({ told: { ...s.told, [voteId]: { mine, left } } })),
  forget: () => set({ told: {} }),
  detach: () => set({ ballot: null, told: {} }),
}))

/** Places or takes back one of this person's dots, if a board is open; a no-op otherwise. */
export function sendBallot(message: BallotMessage) {
  useVoteLink.getState().ballot?.(message)
}
