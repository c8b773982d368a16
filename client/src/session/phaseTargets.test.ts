import { describe, expect, it as test } from 'vitest'
import { PHASE_META } from '../diagram/phases/phases.ts'
import { isPhaseFrame } from './phaseTargets.ts'
import { en, it } from '../i18n/strings.ts'

const frame = (name: string, meta: Record<string, unknown> = {}, parentId = 'page:p') => ({ type: 'frame', parentId, meta, props: { name } }) as never

describe('finding a phase’s frames', () => {
  test('by the mark the phase template leaves, whatever the frame is called now', () => {
    expect(isPhaseFrame(frame('Il nostro tavolo', { [PHASE_META]: 1 }), 1)).toBe(true)
    expect(isPhaseFrame(frame('Il nostro tavolo', { [PHASE_META]: 1 }), 2)).toBe(false)
    // Marked as another phase, its title does not count.
    expect(isPhaseFrame(frame(it['phase.map.title'], { [PHASE_META]: 3 }), 2)).toBe(false)
  })

  test('unmarked, by the phase frame’s title in either language', () => {
    expect(isPhaseFrame(frame(it['phase.map.title']), 2)).toBe(true)
    expect(isPhaseFrame(frame(en['phase.pact.title'] ?? ''), 3)).toBe(true)
    expect(isPhaseFrame(frame('Altro'), 2)).toBe(false)
  })

  test('only frames straight on a page', () => {
    expect(isPhaseFrame(frame(it['phase.map.title'], {}, 'shape:outer'), 2)).toBe(false)
    expect(isPhaseFrame({ type: 'geo', parentId: 'page:p', meta: { [PHASE_META]: 1 }, props: {} } as never, 1)).toBe(false)
  })
})
