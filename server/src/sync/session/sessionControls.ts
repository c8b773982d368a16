import { TIMER_MAX_MS, type ControlMessage, type SessionRecord, type Timer } from '@opificio/shared'

/** What a facilitator's control changes in the session, at server time `now`; empty when nothing. */
export function applyControl(session: SessionRecord, control: ControlMessage, now: number): Partial<SessionRecord> {
  switch (control.action) {
    case 'phase':
      return { phase: control.phase }
    case 'end':
      return { ended: true }
    case 'reopen':
      return { ended: false }
    case 'cursors':
      return { cursorsHidden: control.hidden }
    case 'highlight':
      return { highlight: control.view }
    case 'summon':
      return { summon: { ...control.to, n: (session.summon?.n ?? 0) + 1 } }
    case 'show-snapshot':
      return (session.showing ?? null) === control.id ? {} : { showing: control.id }
    default: {
      const timer = nextTimer(session.timer, control, now)
      return timer ? { timer } : {}
    }
  }
}

const clamp = (ms: number) => Math.min(TIMER_MAX_MS, Math.max(0, ms))

/** The countdown after a timer control; null when it does not apply (pausing a stopped timer). */
function nextTimer(timer: Timer, control: ControlMessage, now: number): Timer | null {
  const left = timer.state === 'running' ? clamp(timer.endsAt - now) : timer.remainingMs
  switch (control.action) {
    case 'timer-start':
      return { state: 'running', endsAt: now + control.ms, remainingMs: control.ms }
    case 'timer-extend': {
      if (timer.state === 'stopped') return { state: 'running', endsAt: now + control.ms, remainingMs: control.ms }
      const extended = clamp(left + control.ms)
      return timer.state === 'running'
        ? { state: 'running', endsAt: now + extended, remainingMs: timer.remainingMs }
        : { ...timer, remainingMs: extended }
    }
    case 'timer-pause':
      return timer.state === 'running' ? { state: 'paused', endsAt: 0, remainingMs: left } : null
    case 'timer-resume':
      return timer.state === 'paused' ? { state: 'running', endsAt: now + timer.remainingMs, remainingMs: timer.remainingMs } : null
    case 'timer-stop':
      return timer.state === 'stopped' ? null : { state: 'stopped', endsAt: 0, remainingMs: 0 }
    default:
      return null
  }
}
