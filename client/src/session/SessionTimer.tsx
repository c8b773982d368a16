import type { Timer } from '@opificio/shared'
import { useEffect, useRef, useState } from 'react'
import type { Editor } from 'tldraw'
import { useT } from '../i18n/translate.ts'
import { playChime, unlockAudioOnFirstGesture, useChimeStore } from './chime.ts'
import { useSessionLink } from './sessionStore.ts'
import { formatClock, inLastMinute, shouldChime, timerRemainingMs } from './timer.ts'
import { useSession } from './useSession.ts'

/**
 * What is left, rounded up to the second, on the server's clock as this device measured it:
 * read again whenever the timer changes, and four times a second while it runs.
 */
export function useRemaining(timer: Timer, clockOffsetMs: number = useSessionLink.getState().clockOffsetMs): number | null {
  const read = () => {
    const ms = timerRemainingMs(timer, Date.now(), clockOffsetMs)
    return ms === null ? null : Math.ceil(ms / 1000) * 1000
  }
  const [remaining, setRemaining] = useState(read)
  // biome-ignore lint/correctness/useExhaustiveDependencies: read depends on exactly these
  useEffect(() => {
    setRemaining(read())
    if (timer.state !== 'running') return
    const tick = setInterval(() => setRemaining(read()), 250)
    return () => clearInterval(tick)
  }, [timer.state, timer.endsAt, timer.remainingMs, clockOffsetMs])
  return remaining
}

/** The facilitator's countdown, in the top bar for everyone, with a soft chime at zero (mutable here). */
export function SessionTimer({ editor }: { editor: Editor }) {
  const t = useT()
  const { timer } = useSession(editor)
  const offset = useSessionLink((s) => s.clockOffsetMs)
  const remaining = useRemaining(timer, offset)
  const { muted, setMuted } = useChimeStore()
  const previous = useRef<number | null>(null)

  useEffect(() => unlockAudioOnFirstGesture(), [])
  useEffect(() => {
    if (shouldChime(previous.current, remaining)) playChime()
    previous.current = remaining
  }, [remaining])

  if (remaining === null) return null
  const paused = timer.state === 'paused'
  const clock = formatClock(remaining)
  return (
    <div className="op-timer" data-state={timer.state} data-urgent={inLastMinute(remaining) || undefined}>
      <span className="op-timer__clock" role="timer" aria-label={t(paused ? 'session.timer.paused.label' : 'session.timer.label', { time: clock })}>
        {paused && <span aria-hidden="true">❚❚ </span>}
        {clock}
      </span>
      <button
        type="button"
        className="op-timer__mute"
        aria-pressed={muted}
        aria-label={t(muted ? 'session.timer.unmute' : 'session.timer.mute')}
        title={t(muted ? 'session.timer.unmute' : 'session.timer.mute')}
        onClick={() => setMuted(!muted)}
      >
        <BellIcon muted={muted} />
      </button>
    </div>
  )
}

/** A bell, struck through when muted: drawn here, since emoji fonts are missing on many town-hall PCs. */
function BellIcon({ muted }: { muted: boolean }) {
  return (
    <svg
      aria-hidden="true"
      width="18"
      height="18"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      {muted && <path d="M3 3l18 18" />}
    </svg>
  )
}
