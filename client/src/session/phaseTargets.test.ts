// @vitest-environment happy-dom
import { react } from '@tldraw/state'
import { createShapeId, type Editor } from 'tldraw'
import { afterEach, describe, expect, it as test } from 'vitest'
import { PHASE_META } from '../diagram/phases/phases.ts'
import { headlessEditor } from '../testing/headlessEditor.ts'
import { isPhaseFrame, phaseTarget } from './phaseTargets.ts'
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

describe('phaseTarget', () => {
  const editors: Editor[] = []
  afterEach(() => {
    for (const e of editors.splice(0)) e.dispose()
  })

  test('finds a phase’s frames, and what reads it is not recomputed when other shapes move', () => {
    const { editor } = headlessEditor()
    editors.push(editor)
    editor.createShapes([
      { id: createShapeId('phase1'), type: 'frame', x: 0, y: 0, props: { w: 400, h: 300, name: 'Fase' }, meta: { [PHASE_META]: 1 } },
      { id: createShapeId('card'), type: 'geo', x: 1000, y: 0 },
    ])
    let runs = 0
    const stop = react('reads phase 1', () => {
      runs++
      phaseTarget(editor, 1)
    })
    for (let x = 1; x <= 50; x++) editor.updateShapes([{ id: createShapeId('card'), type: 'geo', x: 1000 + x }])
    expect(runs).toBe(1)
    editor.updateShapes([{ id: createShapeId('phase1'), type: 'frame', x: 10 }])
    expect(runs).toBe(2)
    stop()
    expect(phaseTarget(editor, 1)).toMatchObject({ pageId: editor.getCurrentPageId(), x: -30, y: -40, w: 480, h: 380 })
    expect(phaseTarget(editor, 2)).toBeNull()
  })
})
