import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { createInitialRecords, templateRecord } from '../schema/schema.ts'
import { OPIFICIO_TEMPLATE } from '../template/opificio.ts'
import { elementShape, geoShape, relationShapes } from '../testing/testRecords.ts'
import { boardTables } from './tables.ts'

const COOP = 'Società Cooperativa «Il Mulino» – Santarcangelo'

/** A small phase-1-to-3 board: a frame, a body with members, a pact row, a revealed vote. */
function sampleBoard(): UnknownRecord[] {
  return [
    ...createInitialRecords('Pagina 1'),
    geoShape('tavolo', { type: 'frame', props: { w: 800, h: 600, name: 'Fase 1 – Tavolo', color: 'black' } }),
    geoShape('gruppo', { type: 'group', parentId: 'shape:tavolo', props: {} }),
    elementShape(
      'coop',
      { kind: 'terzo-settore', name: COOP, sector: 'privato-sociale', lines: ['welfare', 'relazioni'], notes: 'Orari: lun; mer\nsede in via Verdi' },
      'shape:tavolo'
    ),
    elementShape('biblioteca', { kind: 'biblioteca', name: 'Biblioteca Baldini' }, 'shape:gruppo'),
    elementShape('comune', { kind: 'ente-pubblico', name: 'Comune di Santarcangelo', sector: 'pubblico' }),
    elementShape('evil', { kind: 'cittadino', name: '=HYPERLINK("http://x")', sector: 'civico' }),
    elementShape('cabina', { kind: 'cabina-regia', name: 'Cabina di regia' }),
    elementShape('doposcuola', { kind: 'pratica', name: 'Doposcuola solidale', lines: ['solidarieta'] }),
    ...relationShapes('a-coop', 'coop', 'cabina', { relation: 'partecipa', lines: ['welfare'] }),
    ...relationShapes('a-comune', 'comune', 'cabina', { relation: 'partecipa' }),
    ...relationShapes('a-coordina', 'evil', 'cabina', { relation: 'coordina' }),
    ...relationShapes('a-impegno', 'coop', 'doposcuola', {
      relation: 'impegno',
      commitment: { what: 'Aprire il doposcuola il martedì', by: 'Settembre 2025', resources: '2 educatori; locali' },
    }),
    ...relationShapes('a-untyped', 'comune', 'biblioteca'),
    ...relationShapes('a-loose', 'comune', undefined, { relation: 'collabora' }),
    {
      id: 'vote:v1',
      typeName: 'vote',
      targets: ['shape:coop', 'shape:doposcuola', 'shape:gone', 'shape:biblioteca'],
      dots: 3,
      state: 'revealed',
      results: { 'shape:coop': 3, 'shape:doposcuola': 5, 'shape:gone': 1 },
      meta: {},
    } as unknown as UnknownRecord,
    { id: 'vote:v0', typeName: 'vote', targets: ['shape:coop'], dots: 3, state: 'closed', results: null, meta: {} } as unknown as UnknownRecord,
  ]
}

describe('boardTables', () => {
  const tables = boardTables(sampleBoard())

  it('lists every element with its labels and frame, on the page first, then by frame and name', () => {
    expect(tables.elements).toEqual([
      {
        id: 'shape:evil',
        kind: 'Cittadino/a attivo/a',
        kindId: 'cittadino',
        group: 'actor',
        name: '=HYPERLINK("http://x")',
        sector: 'Civico',
        lines: [],
        notes: '',
        frame: '',
      },
      {
        id: 'shape:cabina',
        kind: 'Cabina di regia',
        kindId: 'cabina-regia',
        group: 'governance',
        name: 'Cabina di regia',
        sector: '',
        lines: [],
        notes: '',
        frame: '',
      },
      {
        id: 'shape:comune',
        kind: 'Ente / servizio pubblico',
        kindId: 'ente-pubblico',
        group: 'actor',
        name: 'Comune di Santarcangelo',
        sector: 'Pubblico',
        lines: [],
        notes: '',
        frame: '',
      },
      {
        id: 'shape:doposcuola',
        kind: 'Pratica o azione generativa',
        kindId: 'pratica',
        group: 'resource',
        name: 'Doposcuola solidale',
        sector: '',
        lines: ['Solidarietà e collaborazione generativa'],
        notes: '',
        frame: '',
      },
      {
        id: 'shape:biblioteca',
        kind: 'Biblioteca',
        kindId: 'biblioteca',
        group: 'place',
        name: 'Biblioteca Baldini',
        sector: '',
        lines: [],
        notes: '',
        frame: 'Fase 1 – Tavolo',
      },
      {
        id: 'shape:coop',
        kind: 'Organizzazione del Terzo settore',
        kindId: 'terzo-settore',
        group: 'actor',
        name: COOP,
        sector: 'Privato sociale',
        lines: ['Welfare personalizzato e comunitario', 'Relazioni significative'],
        notes: 'Orari: lun; mer\nsede in via Verdi',
        frame: 'Fase 1 – Tavolo',
      },
    ])
  })

  it('lists arrows bound to two elements, typed or not, start as source; a loose end leaves the arrow out', () => {
    expect(tables.relations.map((r) => [r.source, r.type, r.typeId, r.target, r.lines])).toEqual([
      ['=HYPERLINK("http://x")', 'coordina', 'coordina', 'Cabina di regia', []],
      ['Comune di Santarcangelo', '', '', 'Biblioteca Baldini', []],
      ['Comune di Santarcangelo', 'partecipa a', 'partecipa', 'Cabina di regia', []],
      [COOP, 'partecipa a', 'partecipa', 'Cabina di regia', ['Welfare personalizzato e comunitario']],
      [COOP, 'si impegna a', 'impegno', 'Doposcuola solidale', []],
    ])
    expect(tables.relations[0]).toMatchObject({ id: 'shape:a-coordina', sourceId: 'shape:evil', targetId: 'shape:cabina' })
  })

  it('makes the sources of "partecipa a" members of the body, not who coordinates it', () => {
    expect(tables.bodies).toEqual([
      { id: 'shape:cabina', name: 'Cabina di regia', kind: 'Cabina di regia', members: ['Comune di Santarcangelo', COOP] },
    ])
  })

  it('lists each member once, however many times it is linked', () => {
    const board = [...sampleBoard(), ...relationShapes('a-again', 'coop', 'cabina', { relation: 'partecipa' })]
    expect(boardTables(board).bodies[0].members).toEqual(['Comune di Santarcangelo', COOP])
  })

  it('makes a pact row of each commitment, the target standing in for an empty "what"', () => {
    expect(tables.pact).toEqual([
      { id: 'shape:a-impegno', who: COOP, what: 'Aprire il doposcuola il martedì', by: 'Settembre 2025', resources: '2 educatori; locali' },
    ])
    const board = [...sampleBoard(), ...relationShapes('a-vago', 'comune', 'doposcuola', { relation: 'impegno' })]
    expect(boardTables(board).pact.map((p) => [p.who, p.what, p.by])).toEqual([
      ['Comune di Santarcangelo', 'Doposcuola solidale', ''],
      [COOP, 'Aprire il doposcuola il martedì', 'Settembre 2025'],
    ])
  })

  it('counts revealed votes only, most dots first, an element since deleted by an empty name', () => {
    expect(tables.votes).toEqual([
      { voteId: 'vote:v1', elementId: 'shape:doposcuola', element: 'Doposcuola solidale', count: 5 },
      { voteId: 'vote:v1', elementId: 'shape:coop', element: COOP, count: 3 },
      { voteId: 'vote:v1', elementId: 'shape:gone', element: '', count: 1 },
      { voteId: 'vote:v1', elementId: 'shape:biblioteca', element: 'Biblioteca Baldini', count: 0 },
    ])
  })

  it('speaks English when asked, Italian where a label has no English, raw ids for what the template lacks', () => {
    const template = structuredClone(OPIFICIO_TEMPLATE)
    template.elementKinds.push({ id: 'pro-loco', group: 'actor', label: { it: 'Pro loco' }, sector: 'civico', icon: 'group', color: '#2a9d8f' })
    const board = [
      ...sampleBoard().filter((r) => r.typeName !== 'template'),
      templateRecord(template) as unknown as UnknownRecord,
      elementShape('proloco', { kind: 'pro-loco', name: 'Pro Loco', sector: 'civico', lines: ['welfare'] }),
      elementShape('ufo', { kind: 'astronave', name: 'Ufo', sector: 'spazio', lines: ['orbite'] }),
    ]
    const en = boardTables(board, 'en')
    expect(en.elements.filter((e) => e.frame === '').map((e) => [e.name, e.kind, e.group, e.sector, e.lines])).toEqual([
      ['=HYPERLINK("http://x")', 'Active citizen', 'actor', 'Civic', []],
      ['Cabina di regia', 'Steering committee', 'governance', '', []],
      ['Comune di Santarcangelo', 'Public body or service', 'actor', 'Public', []],
      ['Doposcuola solidale', 'Generative practice or action', 'resource', '', ['Solidarity and generative collaboration']],
      ['Pro Loco', 'Pro loco', 'actor', 'Civic', ['Personalised and community welfare']],
      ['Ufo', 'astronave', '', 'spazio', ['orbite']],
    ])
    expect(en.relations.map((r) => r.type)).toEqual(['coordinates', '', 'is a member of', 'is a member of', 'commits to'])
  })

  it('falls back to the Opificio template on a board without one', () => {
    const tables = boardTables(sampleBoard().filter((r) => r.typeName !== 'template'))
    expect(tables.bodies[0].kind).toBe('Cabina di regia')
  })
})
