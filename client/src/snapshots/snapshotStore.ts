import type { SnapshotInfo } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { create } from 'zustand'

/** A snapshot opened on this screen, read-only, over the live board. */
export interface OpenSnapshot {
  info: SnapshotInfo
  records: UnknownRecord[]
}

interface SnapshotViewState {
  open: OpenSnapshot | null
  show(snapshot: OpenSnapshot): void
  close(): void
}

export const useSnapshotView = create<SnapshotViewState>((set) => ({
  open: null,
  show: (open) => set({ open }),
  close: () => set({ open: null }),
}))
