import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import type { Refusal } from '../protocol/refusal.ts'
import { templateRecord } from '../schema/schema.ts'
import { checkDocDiff } from '../sync/checkDocDiff.ts'
import { pushTo, testBoard } from '../testing/testBoard.ts'
import { arrowShape } from '../testing/testRecords.ts'
import { OPIFICIO_TEMPLATE } from './opificio.ts'
import { TEMPLATE_RECORD_ID } from './templateRecord.ts'

function element(id: string, props: Partial<Record<string, unknown>> = {}): UnknownRecord {
  return {
    id: `shape:${id}`,
    typeName: 'shape',
    type: 'element',
    x: 0,
    y: 0,
    rotation: 0,
    index: 'a1',
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    meta: {},
    props: { w: 200, h: 120, kind: 'comune', name: 'Comune di Santarcangelo', sector: 'pubblico', lines: ['welfare'], notes: '', ...props },
  } as unknown as UnknownRecord
}

const reasonOf = (r: { ok: true } | { ok: false; refusal: Refusal }) => (r.ok ? null : r.refusal.detail)

describe('the Opificio template', () => {
  it('has the seven places of the chilometro quadrato, three sectors, three lines, three phases', () => {
    expect(OPIFICIO_TEMPLATE.elementKinds.filter((k) => k.group === 'place').map((k) => k.label.it)).toEqual([
      'Comune',
      'Biblioteca',
      'Ospedale',
      'Casa della Comunità',
      'Palazzo della Poesia',
      'Parrocchia',
      'Scuola elementare',
    ])
    expect(OPIFICIO_TEMPLATE.sectors.map((s) => s.id)).toEqual(['pubblico', 'privato-sociale', 'civico'])
    expect(OPIFICIO_TEMPLATE.lines).toHaveLength(3)
    expect(OPIFICIO_TEMPLATE.phases.map((p) => p.number)).toEqual([1, 2, 3])
    expect(OPIFICIO_TEMPLATE.relationTypes.map((r) => r.label.it)).toContain('coordina')
  })

  it('gives every actor kind a sector of the template', () => {
    const sectors = new Set(OPIFICIO_TEMPLATE.sectors.map((s) => s.id))
    for (const k of OPIFICIO_TEMPLATE.elementKinds.filter((k) => k.group === 'actor')) expect(sectors).toContain(k.sector)
  })

  it('is a valid board record, and a new board carries its own copy', () => {
    expect(checkDocDiff({ [TEMPLATE_RECORD_ID]: ['put', templateRecord(OPIFICIO_TEMPLATE) as unknown as UnknownRecord] }).ok).toBe(true)
    expect(testBoard().get(TEMPLATE_RECORD_ID)).toMatchObject({ relationTypes: OPIFICIO_TEMPLATE.relationTypes })
  })
})

describe('elements and relations checked against the board’s template', () => {
  it('accepts an element of a known kind, sector and lines', () => {
    expect(reasonOf(pushTo(testBoard(), { 'shape:c': ['put', element('c')] }))).toBeNull()
  })

  it.each([
    ['an unknown kind', { kind: 'astronave' }, /element kind "astronave"/],
    ['a bad sector', { sector: 'militare' }, /sector "militare"/],
    ['an unknown production line', { lines: ['welfare', 'turismo'] }, /production line "turismo"/],
  ])('rejects an element with %s', (_what, props, reason) => {
    expect(reasonOf(pushTo(testBoard(), { 'shape:c': ['put', element('c', props)] }))).toMatch(reason)
  })

  it.each([
    ['an unknown kind', { kind: 'astronave' }, { what: 'kind', id: 'astronave' }],
    ['a bad sector', { sector: 'militare' }, { what: 'sector', id: 'militare' }],
    ['an unknown production line', { lines: ['welfare', 'turismo'] }, { what: 'line', id: 'turismo' }],
  ])('refuses an element with %s by a code the client words, naming what is missing', (_what, props, params) => {
    const r = pushTo(testBoard(), { 'shape:c': ['put', element('c', props)] })
    expect(!r.ok && r.refusal).toEqual({ code: 'not-in-template', params, detail: expect.any(String) })
  })

  it('refuses removing a template item by a code naming the item', () => {
    const map = testBoard()
    const current = map.get(TEMPLATE_RECORD_ID) as any
    const r = pushTo(map, { [TEMPLATE_RECORD_ID]: ['put', { ...current, sectors: current.sectors.slice(1) }] })
    expect(!r.ok && r.refusal).toEqual({
      code: 'template-removal',
      params: { what: 'sector', id: current.sectors[0].id },
      detail: expect.any(String),
    })
  })

  it('rejects a malformed element before it reaches the log', () => {
    const r = checkDocDiff({ 'shape:c': ['put', element('c', { lines: 'welfare' })] })
    expect(!r.ok && r.refusal.detail).toMatch(/invalid shape/)
  })

  it('accepts a typed relation and rejects a type the board lacks', () => {
    const map = testBoard()
    const typed = (relation: string) => ({ ...arrowShape('r'), meta: { relation } }) as UnknownRecord
    expect(reasonOf(pushTo(map, { 'shape:r': ['put', typed('coordina')] }))).toBeNull()
    expect(reasonOf(pushTo(map, { 'shape:r': ['patch', { set: { meta: { relation: 'comanda' } } }] }))).toMatch(/relation type "comanda"/)
    expect((map.get('shape:r') as any).meta.relation).toBe('coordina')
  })

  it('checks a commitment’s fields', () => {
    const arrow = {
      ...arrowShape('p'),
      meta: { relation: 'impegno', commitment: { what: 'apre la sala', by: 'marzo', resources: 2 } },
    } as UnknownRecord
    expect(reasonOf(pushTo(testBoard(), { 'shape:p': ['put', arrow] }))).toMatch(/commitment/)
  })

  it('lets a facilitator add and rename types, and everyone then use them; never remove one in use', () => {
    const map = testBoard()
    const current = map.get(TEMPLATE_RECORD_ID) as any
    const renamed = {
      ...current,
      lines: [
        ...current.lines.map((l: any) => (l.id === 'welfare' ? { ...l, label: { it: 'Welfare di comunità' } } : l)),
        { id: 'cultura', label: { it: 'Welfare culturale' }, color: '#0f766e' },
      ],
    }
    expect(reasonOf(pushTo(map, { [TEMPLATE_RECORD_ID]: ['put', renamed] }))).toBeNull()
    expect(reasonOf(pushTo(map, { 'shape:c': ['put', element('c', { lines: ['cultura'] })] }))).toBeNull()
    const removed = { ...renamed, lines: renamed.lines.filter((l: any) => l.id !== 'relazioni') }
    expect(reasonOf(pushTo(map, { [TEMPLATE_RECORD_ID]: ['put', removed] }))).toMatch(/cannot be removed/)
    expect(reasonOf(pushTo(map, { [TEMPLATE_RECORD_ID]: ['remove'] }))).toMatch(/cannot be removed/)
  })

  it('applies a template change and an element using it in the same push', () => {
    const map = testBoard()
    const current = map.get(TEMPLATE_RECORD_ID) as any
    const added = {
      ...current,
      elementKinds: [
        ...current.elementKinds,
        { id: 'pro-loco', group: 'actor', label: { it: 'Pro loco' }, sector: 'civico', icon: 'representation', color: '#2f4858' },
      ],
    }
    expect(
      reasonOf(pushTo(map, { [TEMPLATE_RECORD_ID]: ['put', added], 'shape:p': ['put', element('p', { kind: 'pro-loco', sector: 'civico' })] }))
    ).toBeNull()
  })
})
