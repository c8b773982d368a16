import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { templateRecord } from '../schema/schema.ts'
import { pushTo, testBoard } from '../testing/testBoard.ts'
import { arrowShape } from '../testing/testRecords.ts'
import { currentRelationStyle, withCurrentColours } from './oldColours.ts'
import { OPIFICIO_TEMPLATE } from './opificio.ts'
import { templateOf } from './rules.ts'
import { TEMPLATE_RECORD_ID } from './templateRecord.ts'
import type { ProcessTemplate } from './types.ts'

/** The Opificio template as a board made before the contrast fix stored it. */
const BEFORE_THE_FIX: ProcessTemplate = {
  ...OPIFICIO_TEMPLATE,
  sectors: OPIFICIO_TEMPLATE.sectors.map((s) => ({ ...s, color: { 'privato-sociale': '#d97706', civico: '#2a9d8f' }[s.id] ?? s.color })),
  relationTypes: OPIFICIO_TEMPLATE.relationTypes.map((r) => {
    const old: Record<string, Pick<typeof r, 'color' | 'dash'>> = {
      rappresenta: { color: 'grey', dash: 'dotted' },
      invia: { color: 'light-red', dash: 'dashed' },
      ospita: { color: 'light-violet', dash: 'solid' },
      finanzia: { color: 'light-green', dash: 'solid' },
      scambia: { color: 'light-blue', dash: 'dotted' },
    }
    return { ...r, ...old[r.id] }
  }),
}

describe('a board made before the contrast fix', () => {
  it('shows the current Opificio colours in place of its template’s old default ones', () => {
    expect(withCurrentColours(BEFORE_THE_FIX)).toEqual(OPIFICIO_TEMPLATE)
    const stored = templateRecord(BEFORE_THE_FIX) as unknown as UnknownRecord
    const shown = templateOf((id) => (id === TEMPLATE_RECORD_ID ? stored : undefined))
    expect(shown.sectors).toEqual(OPIFICIO_TEMPLATE.sectors)
    expect(shown.relationTypes).toEqual(OPIFICIO_TEMPLATE.relationTypes)
    // The same object on every read of the same record: displays that compare by identity stay still.
    expect(templateOf((id) => (id === TEMPLATE_RECORD_ID ? stored : undefined))).toBe(shown)
  })

  it('leaves the stored record as it is, so every replica folds the same log', () => {
    const board = testBoard()
    const stored = { ...(templateRecord(BEFORE_THE_FIX) as object) } as UnknownRecord
    expect(pushTo(board, { [TEMPLATE_RECORD_ID]: ['put', stored] }).ok).toBe(true)
    expect((board.get(TEMPLATE_RECORD_ID) as unknown as ProcessTemplate).sectors[1].color).toBe('#d97706')
    // The rules still read the board's ids: an arrow of an old type is accepted.
    expect(pushTo(board, { 'shape:r': ['put', { ...arrowShape('r'), meta: { relation: 'ospita' } } as UnknownRecord] }).ok).toBe(true)
  })

  it('keeps a board’s own colours, and a current template, as they are', () => {
    const own = { ...OPIFICIO_TEMPLATE, sectors: OPIFICIO_TEMPLATE.sectors.map((s) => ({ ...s, color: '#123456' })) }
    expect(withCurrentColours(own)).toBe(own)
    expect(withCurrentColours(OPIFICIO_TEMPLATE)).toBe(OPIFICIO_TEMPLATE)
  })

  it('draws an arrow in exactly the old default style of its type in the current one, and no other', () => {
    expect(currentRelationStyle('ospita', { color: 'light-violet', dash: 'solid', size: 'm' })).toEqual({
      color: 'violet',
      dash: 'dashed',
      size: 'm',
    })
    expect(currentRelationStyle('scambia', { color: 'light-blue', dash: 'dotted' })).toEqual({ color: 'blue', dash: 'dotted' })
    // Another type's old style, a plain arrow, a style someone chose: untouched.
    const chosen = { color: 'light-violet', dash: 'dotted' } as const
    expect(currentRelationStyle('ospita', chosen)).toBe(chosen)
    expect(currentRelationStyle('coordina', { color: 'light-violet', dash: 'solid' })).toEqual({ color: 'light-violet', dash: 'solid' })
    expect(currentRelationStyle(undefined, { color: 'light-blue', dash: 'dotted' })).toEqual({ color: 'light-blue', dash: 'dotted' })
    expect(currentRelationStyle('constructor', { color: 'grey', dash: 'solid' })).toEqual({ color: 'grey', dash: 'solid' })
  })
})
