import { create } from 'zustand'

const MUTED_KEY = 'opificio.timer.muted'

function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTED_KEY) === '1'
  } catch {
    return false
  }
}

/** Whether the end-of-timer chime is muted on this device; remembered across boards and reloads. */
export const useChimeStore = create<{ muted: boolean; setMuted(muted: boolean): void }>()((set) => ({
  muted: readMuted(),
  setMuted: (muted) => {
    try {
      localStorage.setItem(MUTED_KEY, muted ? '1' : '0')
    } catch {
      // Private mode: muted for this page only.
    }
    set({ muted })
  },
}))

let context: AudioContext | null = null

function audio(): AudioContext | null {
  if (context) return context
  const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext
  if (!Ctor) return null
  try {
    context = new Ctor()
  } catch {
    return null
  }
  return context
}

/**
 * Browsers start sound only after a gesture on the page: the first tap or key wakes the audio, so
 * the chime can sound later without one. At the gesture's end (click, key up), not its start:
 * starting the audio took 145 ms in Chromium, which in a pointer's down would hold back the
 * very thing the person pressed for (a first click on a card selected it that much later).
 */
export function unlockAudioOnFirstGesture(): () => void {
  const wake = () => {
    const ctx = audio()
    if (ctx?.state === 'suspended') void ctx.resume()
  }
  window.addEventListener('click', wake, { once: true })
  window.addEventListener('keyup', wake, { once: true })
  return () => {
    window.removeEventListener('click', wake)
    window.removeEventListener('keyup', wake)
  }
}

/** A short, soft two-note chime, synthesised (no sound file): time is up. */
export function playChime() {
  if (useChimeStore.getState().muted) return
  const ctx = audio()
  if (!ctx) return
  if (ctx.state === 'suspended') void ctx.resume()
  const start = ctx.currentTime + 0.05
  const notes = [
    { freq: 659.25, at: 0 }, // E5
    { freq: 880, at: 0.28 }, // A5
  ]
  for (const { freq, at } of notes) {
    const osc = ctx.createOscillator()
    const gain = ctx.createGain()
    osc.type = 'sine'
    osc.frequency.value = freq
    const t0 = start + at
    gain.gain.setValueAtTime(0, t0)
    gain.gain.linearRampToValueAtTime(0.12, t0 + 0.03)
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 1.4)
    osc.connect(gain).connect(ctx.destination)
    osc.start(t0)
    osc.stop(t0 + 1.5)
  }
}
