import { describe, expect, it } from 'vitest'
import { snapshotsToKeep } from './snapshotRetention.ts'

const HOUR = 3_600_000
const now = Date.UTC(2025, 5, 10, 12, 0, 0)

describe('snapshot history', () => {
  it('keeps the newest ten whatever their age', () => {
    const old = Array.from({ length: 15 }, (_, i) => ({ offset: (i + 1) * 500, takenAt: now - 30 * 24 * HOUR + i }))
    expect([...snapshotsToKeep(old, now)].sort((a, b) => a - b)).toEqual(old.slice(5).map((s) => s.offset))
  })

  it('keeps the first snapshot of every hour of the last week, and nothing older beyond the newest ten', () => {
    // Six snapshots an hour, every hour for nine days, oldest first.
    const snaps = Array.from({ length: 9 * 24 * 6 }, (_, i) => ({ offset: i + 1, takenAt: now - 9 * 24 * HOUR + i * 10 * 60_000 }))
    const keep = snapshotsToKeep(snaps, now)
    const hourly = snaps.filter((s) => now - s.takenAt <= 7 * 24 * HOUR && s.takenAt % HOUR === 0)
    const newest = snaps.slice(-10)
    expect(keep).toEqual(new Set([...hourly, ...newest].map((s) => s.offset)))
  })

  it("picks an hour's first snapshot by offset, so a clock that steps back does not change it", () => {
    const snaps = [
      { offset: 1, takenAt: now - HOUR + 50 },
      { offset: 2, takenAt: now - HOUR + 10 },
      ...Array.from({ length: 10 }, (_, i) => ({ offset: 100 + i, takenAt: now })),
    ]
    expect(snapshotsToKeep(snaps, now).has(1)).toBe(true)
    expect(snapshotsToKeep(snaps, now).has(2)).toBe(false)
  })
})
