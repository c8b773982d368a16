import { describe, expect, it } from 'vitest'
import { planFrom } from './plan.ts'

describe('npm run bench options', () => {
  it('runs the full matrix on every target by default, 15 s a storm', () => {
    const plan = planFrom([])
    expect(plan.targets).toEqual(['floor', 'tldraw', 'one', 'two'])
    expect(plan.seconds).toBe(15)
    const names = plan.scenarios.map((s) => s.name)
    for (const name of [
      'drag 10/1, cursors 20 Hz',
      'drag 10/1 at 100 Hz, no cursors',
      'drag 50/10, cursors 20 Hz',
      'drag 200/10, no cursors',
      'drag 200/10, cursors 20 Hz',
      'drag 300/30, cursors 20 Hz',
    ])
      expect(names).toContain(name)
    expect(names).toContain('50 boards of 10, 2 dragging on each, cursors 20 Hz')
    expect(plan.scenarios.filter((s) => s.kind === 'join').map((s) => s.records)).toEqual([500, 2000, 10_000, 50_000])
    expect(plan.scenarios.some((s) => s.kind === 'browser' && s.records === 2000 && s.others === 10)).toBe(true)
  })

  it('re-runs one row: a target, a scenario by part of its name, a window', () => {
    const plan = planFrom(['--only=one', '--scenario=200/10, cursors', '--seconds=5'])
    expect(plan).toMatchObject({ quick: false, seconds: 5, targets: ['one'] })
    expect(plan.scenarios.map((s) => s.name)).toEqual(['drag 200/10, cursors 20 Hz'])
  })

  it('leaves out joins and browsers when Opificio on one node is not among the targets', () => {
    const plan = planFrom(['--only=floor,tldraw'])
    expect(plan.scenarios.every((s) => s.kind === 'storm')).toBe(true)
  })

  it('has a quick mode with short windows and a scenario of each kind', () => {
    const plan = planFrom(['--quick'])
    expect(plan.seconds).toBe(3)
    expect(new Set(plan.scenarios.map((s) => s.kind))).toEqual(new Set(['storm', 'join', 'browser']))
  })

  it('refuses an unknown target, a scenario that matches nothing, a window that is not a number', () => {
    expect(() => planFrom(['--only=three'])).toThrow(/unknown target three/)
    expect(() => planFrom(['--scenario=nothing like it'])).toThrow(/no scenario matches/)
    expect(() => planFrom(['--seconds=soon'])).toThrow(/--seconds/)
  })
})
