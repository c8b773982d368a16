import type { ControlMessage } from '@opificio/shared'
import { create } from 'zustand'

/**
 * The board's connection, as far as the live session needs it: how to send a facilitator's
 * control, and the server's clock. Filled by useBoardSync while a board is open.
 */
interface SessionLink {
  /** Sends a control to the server, which decides whether this page may; null while no board is open. */
  control: ((message: ControlMessage) => void) | null
  /** The server's clock minus this device's (ms), measured at the last welcome. */
  clockOffsetMs: number
  attach(control: (message: ControlMessage) => void): void
  setClockOffset(ms: number): void
  detach(): void
}

export const useSessionLink = create<SessionLink>()((set) => ({
  control: null,
  clockOffsetMs: 0,
  attach: (control) => set({ control }),
  setClockOffset: (clockOffsetMs) => set({ clockOffsetMs }),
  detach: () => set({ control: null, clockOffsetMs: 0 }),
}))

/** Sends a control if a board is open; a no-op otherwise. */
export function sendControl(message: ControlMessage) {
  useSessionLink.getState().control?.(message)
}
