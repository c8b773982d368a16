import { create } from 'zustand'
import { persist } from 'zustand/middleware'
import type { Locale } from '../i18n/strings.ts'

/** Cursor colours that stay readable on a projected white canvas. */
const COLORS = ['#d62828', '#1d70b8', '#2a9d8f', '#e76f51', '#7b2cbf', '#c2185b', '#3a7d44', '#b5651d']

interface UserState {
  name: string
  color: string
  locale: Locale
  setName(name: string): void
  setLocale(locale: Locale): void
}

/** Who this browser's user is: asked once, remembered in this browser only. */
export const useUserStore = create<UserState>()(
  persist(
    (set) => ({
      name: '',
      color: COLORS[Math.floor(Math.random() * COLORS.length)],
      locale: 'it',
      setName: (name) => set({ name: name.trim().slice(0, 40) }),
      setLocale: (locale) => set({ locale }),
    }),
    { name: 'opificio-user' }
  )
)
