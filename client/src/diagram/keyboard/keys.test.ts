import { describe, expect, it as test } from 'vitest'
import { keyAction, rovingTarget, selectionKind, SHORTCUTS, type KeyPress } from './keys.ts'
import { it as italian, en } from '../../i18n/strings.ts'

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, ...mods })

describe('what is selected, as the keys see it', () => {
  test('one element, one relation, two elements, anything else', () => {
    expect(selectionKind([])).toBe('none')
    expect(selectionKind([{ type: 'element' }])).toBe('element')
    expect(selectionKind([{ type: 'arrow' }])).toBe('relation')
    expect(selectionKind([{ type: 'element' }, { type: 'element' }])).toBe('pair')
    expect(selectionKind([{ type: 'element' }, { type: 'arrow' }])).toBe('other')
    expect(selectionKind([{ type: 'element' }, { type: 'element' }, { type: 'element' }])).toBe('other')
    expect(selectionKind([{ type: 'geo' }])).toBe('other')
  })
})

describe('the diagram keys', () => {
  test('F2 on the canvas, and Enter on a relation or a pair, take the keyboard to the inspector of what is selected', () => {
    for (const sel of ['element', 'relation', 'pair'] as const) expect(keyAction(press('F2'), 'canvas', sel, true)).toBe('edit')
    expect(keyAction(press('Enter'), 'canvas', 'relation', true)).toBe('edit')
    expect(keyAction(press('Enter'), 'canvas', 'pair', true)).toBe('edit')
    // tldraw's own Enter stays: the name on an element's card, a text, a group.
    expect(keyAction(press('Enter'), 'canvas', 'element', true)).toBeNull()
    expect(keyAction(press('Enter'), 'canvas', 'other', true)).toBeNull()
    expect(keyAction(press('Enter'), 'canvas', 'none', true)).toBeNull()
    // Enter on a focused button presses the button.
    expect(keyAction(press('Enter'), 'elsewhere', 'element', true)).toBeNull()
    expect(keyAction(press('F2'), 'elsewhere', 'element', true)).toBe('edit')
  })

  test('Escape in the inspector goes back to the canvas; no other key of the inspector is taken', () => {
    expect(keyAction(press('Escape'), 'inspector', 'element', true)).toBe('canvas')
    for (const key of ['c', 'p', '?', 'Enter', 'F2', 'Tab']) expect(keyAction(press(key), 'inspector', 'element', true)).toBeNull()
  })

  test('C connects one or two elements, P goes to the palette, ? opens the help', () => {
    expect(keyAction(press('c'), 'canvas', 'element', true)).toBe('connect')
    expect(keyAction(press('C'), 'canvas', 'pair', true)).toBe('connect')
    expect(keyAction(press('c'), 'canvas', 'relation', true)).toBeNull()
    expect(keyAction(press('c'), 'canvas', 'none', true)).toBeNull()
    expect(keyAction(press('p'), 'elsewhere', 'none', true)).toBe('palette')
    expect(keyAction(press('?'), 'canvas', 'none', true)).toBe('help')
  })

  test('nothing while typing, in a dialog, or with a modifier (those are tldraw’s and the browser’s)', () => {
    for (const key of ['c', 'p', '?', 'Enter', 'F2', 'Escape']) {
      expect(keyAction(press(key), 'typing', 'element', true)).toBeNull()
      expect(keyAction(press(key), 'dialog', 'element', true)).toBeNull()
    }
    expect(keyAction(press('c', { ctrlKey: true }), 'canvas', 'pair', true)).toBeNull()
    expect(keyAction(press('p', { metaKey: true }), 'canvas', 'none', true)).toBeNull()
    expect(keyAction(press('Enter', { altKey: true }), 'canvas', 'element', true)).toBeNull()
  })

  test('a read-only board only gets the help', () => {
    expect(keyAction(press('?'), 'canvas', 'element', false)).toBe('help')
    for (const key of ['c', 'p', 'Enter', 'F2']) expect(keyAction(press(key), 'canvas', 'element', false)).toBeNull()
  })
})

describe('moving within the relation types', () => {
  test('arrows wrap round, Home and End go to the ends, other keys are not ours', () => {
    expect(rovingTarget('ArrowDown', 0, 3)).toBe(1)
    expect(rovingTarget('ArrowRight', 2, 3)).toBe(0)
    expect(rovingTarget('ArrowUp', 0, 3)).toBe(2)
    expect(rovingTarget('ArrowLeft', 1, 3)).toBe(0)
    expect(rovingTarget('Home', 2, 3)).toBe(0)
    expect(rovingTarget('End', 0, 3)).toBe(2)
    expect(rovingTarget(' ', 0, 3)).toBeNull()
    expect(rovingTarget('ArrowDown', 0, 0)).toBeNull()
  })
})

describe('the help lists every shortcut in both languages', () => {
  test('each row has its keys and its meaning in Italian; English falls back only for keys that read alike', () => {
    for (const s of SHORTCUTS) {
      expect(italian[s.keys]).toBeTruthy()
      expect(italian[s.what]).toBeTruthy()
      expect(en[s.what]).toBeTruthy()
    }
  })
})
