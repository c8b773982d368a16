import { create } from 'zustand'
import { persist } from 'zustand/middleware'

interface ProjectorPrefs {
  /** Black on white and thicker lines, for washed-out projectors and sunny rooms. */
  highContrast: boolean
  toggleContrast(): void
}

/** How this device projects: remembered here, whichever board it shows next. */
export const useProjectorPrefs = create<ProjectorPrefs>()(
  persist(
    (set) => ({
      highContrast: false,
      toggleContrast: () => set((s) => ({ highContrast: !s.highContrast })),
    }),
    { name: 'opificio-projector' }
  )
)
