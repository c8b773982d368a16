import type { Refusal, Role } from '@opificio/shared'
import { create } from 'zustand'
import type { StringKey } from '../i18n/strings.ts'
import type { SyncState } from '../sync/SyncClient.ts'

/** Something said once about this user's changes: a refusal, or edits restored after a reload. */
export interface Notice {
  id: number
  text: StringKey
  vars: Record<string, string | number>
  /** A refusal undid something (error); restored edits are good news (info). */
  tone: 'error' | 'info'
  /** The server's refusal, worded when shown (as {reason}), so it follows a change of language. */
  refusal?: Refusal
}

interface ConnectionStore {
  sync: SyncState
  /**
   * What this page's link lets it do, as the server said in its welcome; null before. The server
   * decides it on every message: this only decides what the page offers.
   */
  role: Role | null
  notices: Notice[]
  setSync(sync: SyncState): void
  setRole(role: Role | null): void
  addNotice(text: StringKey, vars?: Record<string, string | number>, tone?: Notice['tone']): void
  /** A change the server refused, and that was rolled back here. */
  addRefusal(refusal: Refusal): void
  dismissNotice(id: number): void
}

let nextNotice = 1

export const useConnectionStore = create<ConnectionStore>()((set) => ({
  sync: { connection: 'connecting', unconfirmed: 0, savingPaused: false },
  role: null,
  notices: [],
  setSync: (sync) => set({ sync }),
  setRole: (role) => set({ role }),
  addNotice: (text, vars = {}, tone = 'error') => set((s) => ({ notices: [...s.notices.slice(-2), { id: nextNotice++, text, vars, tone }] })),
  addRefusal: (refusal) =>
    set((s) => ({ notices: [...s.notices.slice(-2), { id: nextNotice++, text: 'notice.rejected', vars: {}, tone: 'error', refusal }] })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}))
