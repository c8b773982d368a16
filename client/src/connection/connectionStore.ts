import { create } from 'zustand'
import type { SyncState } from '../sync/SyncClient.ts'

export interface Notice {
  id: number
  reason: string
}

interface ConnectionStore {
  sync: SyncState
  notices: Notice[]
  setSync(sync: SyncState): void
  addNotice(reason: string): void
  dismissNotice(id: number): void
}

let nextNotice = 1

export const useConnectionStore = create<ConnectionStore>()((set) => ({
  sync: { connection: 'connecting', unconfirmed: 0, savingPaused: false },
  notices: [],
  setSync: (sync) => set({ sync }),
  addNotice: (reason) => set((s) => ({ notices: [...s.notices.slice(-2), { id: nextNotice++, reason }] })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}))
