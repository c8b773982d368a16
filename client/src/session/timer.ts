import { TIMER_MAX_MS, type Timer } from '@opificio/shared'

/**
 * What the countdown shows at device time `now`, in ms: the server's `endsAt` against this
 * device's clock corrected by the offset measured at the welcome, so every screen agrees.
 * Null when the timer is stopped (nothing to show).
 */
export function timerRemainingMs(timer: Timer, now: number, clockOffsetMs: number): number | null {
  if (timer.state === 'stopped') return null
  const left = timer.state === 'running' ? timer.endsAt - (now + clockOffsetMs) : timer.remainingMs
  return Math.min(TIMER_MAX_MS, Math.max(0, left))
}

/** mm:ss (h:mm:ss past an hour), rounding up so the display reads 00:00 only when the time is really up. */
export function formatClock(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000)
  const h = Math.floor(total / 3600)
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0')
  const ss = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`
}

/** The last minute: the display turns to the attention colour. */
export function inLastMinute(ms: number): boolean {
  return ms <= 60_000
}

/**
 * Whether the chime sounds: the countdown reached zero while this page watched it. A page that
 * opens on a timer already at zero stays quiet; so does a timer paused or stopped.
 */
export function shouldChime(previous: number | null, current: number | null): boolean {
  return previous !== null && previous > 0 && current === 0
}

/** Minutes typed by the facilitator as a timer length in ms, or null when it is not a usable length. */
export function minutesToMs(minutes: string): number | null {
  const n = Number(minutes.replace(',', '.'))
  if (!Number.isFinite(n) || n <= 0) return null
  const ms = Math.round(n * 60_000)
  return ms >= 1000 && ms <= TIMER_MAX_MS ? ms : null
}
