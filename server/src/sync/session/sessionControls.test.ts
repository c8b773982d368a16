import { SESSION_DEFAULTS, SESSION_RECORD_ID, TIMER_MAX_MS, type ControlMessage, type SessionRecord } from '@opificio/shared'
import { describe, expect, it } from 'vitest'
import { applyControl } from './sessionControls.ts'

const NOW = 1_800_000_000_000
const session = (over: Partial<SessionRecord> = {}): SessionRecord => ({
  ...SESSION_DEFAULTS,
  id: SESSION_RECORD_ID,
  typeName: 'session',
  meta: {},
  ...over,
})
const apply = (s: SessionRecord, c: ControlMessage, now = NOW) => ({ ...s, ...applyControl(s, c, now) })

describe('a facilitator’s controls of the session', () => {
  it('sets the phase, ends and reopens, hides cursors, shares a highlight', () => {
    let s = session()
    s = apply(s, { action: 'phase', phase: 2 })
    s = apply(s, { action: 'end' })
    s = apply(s, { action: 'cursors', hidden: true })
    s = apply(s, { action: 'highlight', view: 'sector:civico' })
    expect(s).toMatchObject({ phase: 2, ended: true, cursorsHidden: true, highlight: 'sector:civico' })
    expect(apply(s, { action: 'reopen' }).ended).toBe(false)
  })

  it('numbers each summon, so every screen moves once for each', () => {
    const to = { pageId: 'page:page', x: 10, y: 20, w: 800, h: 600 }
    const once = apply(session(), { action: 'summon', to })
    expect(once.summon).toEqual({ ...to, n: 1 })
    expect(apply(once, { action: 'summon', to }).summon?.n).toBe(2)
  })

  it('shows a snapshot on the projector and takes it off; the same request twice changes nothing', () => {
    const shown = apply(session(), { action: 'show-snapshot', id: 'abcDEF123' })
    expect(shown.showing).toBe('abcDEF123')
    expect(applyControl(shown, { action: 'show-snapshot', id: 'abcDEF123' }, NOW)).toEqual({})
    expect(apply(shown, { action: 'show-snapshot', id: null }).showing).toBeNull()
    expect(applyControl(session(), { action: 'show-snapshot', id: null }, NOW)).toEqual({})
  })

  it('runs a countdown on the server’s clock: start, pause, resume, extend, stop', () => {
    let s = apply(session(), { action: 'timer-start', ms: 5 * 60_000 })
    expect(s.timer).toEqual({ state: 'running', endsAt: NOW + 300_000, remainingMs: 300_000 })
    s = apply(s, { action: 'timer-pause' }, NOW + 60_000)
    expect(s.timer).toEqual({ state: 'paused', endsAt: 0, remainingMs: 240_000 })
    // Paused, time does not run.
    s = apply(s, { action: 'timer-extend', ms: 60_000 }, NOW + 500_000)
    expect(s.timer).toEqual({ state: 'paused', endsAt: 0, remainingMs: 300_000 })
    s = apply(s, { action: 'timer-resume' }, NOW + 600_000)
    expect(s.timer).toEqual({ state: 'running', endsAt: NOW + 900_000, remainingMs: 300_000 })
    s = apply(s, { action: 'timer-extend', ms: 60_000 }, NOW + 700_000)
    expect(s.timer.endsAt).toBe(NOW + 960_000)
    s = apply(s, { action: 'timer-stop' }, NOW + 800_000)
    expect(s.timer).toEqual({ state: 'stopped', endsAt: 0, remainingMs: 0 })
  })

  it('extends a stopped timer into a running minute, never past three hours, and ignores what does not apply', () => {
    expect(apply(session(), { action: 'timer-extend', ms: 60_000 }).timer).toEqual({ state: 'running', endsAt: NOW + 60_000, remainingMs: 60_000 })
    const long = apply(session(), { action: 'timer-start', ms: TIMER_MAX_MS })
    expect(apply(long, { action: 'timer-extend', ms: 60_000 }).timer.endsAt).toBe(NOW + TIMER_MAX_MS)
    expect(applyControl(session(), { action: 'timer-pause' }, NOW)).toEqual({})
    expect(applyControl(session(), { action: 'timer-resume' }, NOW)).toEqual({})
    expect(applyControl(session(), { action: 'timer-stop' }, NOW)).toEqual({})
  })
})
