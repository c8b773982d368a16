import { create } from 'zustand'
import { persist } from 'zustand/middleware'

interface RelationLabelsPrefs {
  /** Each arrow shows its relation type in words, so reading the diagram does not rest on colour (WCAG 1.4.1). */
  show: boolean
  toggle(): void
}

/** A preference of this screen only: the board is shared, so the labels are never written into it. */
export const useRelationLabels = create<RelationLabelsPrefs>()(
  persist(
    (set) => ({
      show: false,
      toggle: () => set((s) => ({ show: !s.show })),
    }),
    { name: 'opificio-relation-labels' }
  )
)
