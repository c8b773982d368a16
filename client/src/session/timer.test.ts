import { TIMER_MAX_MS } from '@opificio/shared'
import { describe, expect, it as test } from 'vitest'
import { formatClock, inLastMinute, minutesToMs, shouldChime, timerRemainingMs } from './timer.ts'

describe('the countdown everyone sees', () => {
  test('a running timer counts to the server’s endsAt, by this device’s clock corrected by the offset', () => {
    const timer = { state: 'running' as const, endsAt: 100_000, remainingMs: 60_000 }
    // This device is 5 s behind the server: its 90 000 is the server's 95 000.
    expect(timerRemainingMs(timer, 90_000, 5_000)).toBe(5_000)
    // Two phones with different clocks agree once corrected.
    expect(timerRemainingMs(timer, 80_000, 15_000)).toBe(5_000)
  })

  test('never goes below zero nor above the longest timer', () => {
    expect(timerRemainingMs({ state: 'running', endsAt: 1_000, remainingMs: 1_000 }, 50_000, 0)).toBe(0)
    expect(timerRemainingMs({ state: 'running', endsAt: 2 * TIMER_MAX_MS, remainingMs: 0 }, 0, 0)).toBe(TIMER_MAX_MS)
  })

  test('a paused timer shows what was left; a stopped one shows nothing', () => {
    expect(timerRemainingMs({ state: 'paused', endsAt: 0, remainingMs: 42_000 }, 1e12, 123)).toBe(42_000)
    expect(timerRemainingMs({ state: 'stopped', endsAt: 0, remainingMs: 0 }, 0, 0)).toBeNull()
  })

  test('reads mm:ss, rounding up so 00:00 means the time is up', () => {
    expect(formatClock(5 * 60_000)).toBe('05:00')
    expect(formatClock(59_001)).toBe('01:00')
    expect(formatClock(59_000)).toBe('00:59')
    expect(formatClock(1)).toBe('00:01')
    expect(formatClock(59 * 60_000 + 59_500)).toBe('1:00:00')
    expect(formatClock(2 * 3600_000 + 5 * 60_000)).toBe('2:05:00')
    expect(formatClock(-5000)).toBe('00:00')
    expect(formatClock(0)).toBe('00:00')
    expect(formatClock(-5)).toBe('00:00')
  })

  test('the last minute is the attention colour', () => {
    expect(inLastMinute(60_000)).toBe(true)
    expect(inLastMinute(60_001)).toBe(false)
    expect(inLastMinute(0)).toBe(true)
  })

  test('chimes once, when it reaches zero while watched', () => {
    expect(shouldChime(1_000, 0)).toBe(true)
    expect(shouldChime(0, 0)).toBe(false)
    // A page opened on a timer already at zero stays quiet.
    expect(shouldChime(null, 0)).toBe(false)
    // Stopped before the end: no chime.
    expect(shouldChime(5_000, null)).toBe(false)
    expect(shouldChime(5_000, 4_000)).toBe(false)
  })

  test('minutes typed by the facilitator', () => {
    expect(minutesToMs('5')).toBe(300_000)
    expect(minutesToMs('1,5')).toBe(90_000)
    expect(minutesToMs('0')).toBeNull()
    expect(minutesToMs('')).toBeNull()
    expect(minutesToMs('abc')).toBeNull()
    expect(minutesToMs('181')).toBeNull()
    expect(minutesToMs('180')).toBe(TIMER_MAX_MS)
  })
})
