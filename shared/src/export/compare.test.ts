import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { createInitialRecords } from '../schema/schema.ts'
import { elementShape, geoShape, relationShapes } from '../testing/testRecords.ts'
import { compareBoards } from './compare.ts'

const COMMITMENT = { what: 'Aprire il doposcuola il martedì', by: 'Settembre 2025', resources: '2 educatori' }

/** A phase-2 board: a frame, four elements on the page, three relations, one of them a commitment. */
function board(): UnknownRecord[] {
  return [
    ...createInitialRecords('Pagina 1'),
    geoShape('fase2', { type: 'frame', props: { w: 800, h: 600, name: 'Fase 2 – Mappatura', color: 'black' } }),
    elementShape('comune', { kind: 'ente-pubblico', name: 'Comune di Santarcangelo', sector: 'pubblico' }),
    elementShape('coop', { kind: 'terzo-settore', name: 'Cooperativa Il Mulino', sector: 'privato-sociale', lines: ['welfare', 'relazioni'] }),
    elementShape('cabina', { kind: 'cabina-regia', name: 'Cabina di regia' }),
    elementShape('doposcuola', { kind: 'pratica', name: 'Doposcuola solidale', lines: ['solidarieta'] }),
    ...relationShapes('a-coordina', 'comune', 'cabina', { relation: 'coordina' }),
    ...relationShapes('a-collabora', 'coop', 'comune', { relation: 'collabora' }),
    ...relationShapes('a-impegno', 'coop', 'doposcuola', { relation: 'impegno', commitment: COMMITMENT }),
  ]
}

type Shape = UnknownRecord & { props: Record<string, unknown>; meta: Record<string, unknown> }

/** The board with one shape replaced by `change` of it. */
function edit(records: UnknownRecord[], id: string, change: (shape: Shape) => Record<string, unknown>): UnknownRecord[] {
  return records.map((r) => (r.id === `shape:${id}` ? ({ ...r, ...change(r as Shape) } as UnknownRecord) : r))
}

const props = (over: Record<string, unknown>) => (shape: Shape) => ({ props: { ...shape.props, ...over } })
const meta = (over: Record<string, unknown>) => (shape: Shape) => ({ meta: { ...shape.meta, ...over } })
const without = (records: UnknownRecord[], ...ids: string[]) => records.filter((r) => !ids.includes(r.id as string))

const NOTHING = { elements: [], relations: [], counts: { added: 0, removed: 0, changed: 0 } }

describe('compareBoards', () => {
  it('finds nothing between a board and itself', () => {
    expect(compareBoards(board(), board())).toEqual(NOTHING)
  })

  it('does not count moving or resizing a card', () => {
    const after = edit(board(), 'coop', (s) => ({ x: 420, y: -80, props: { ...s.props, w: 320, h: 160 } }))
    expect(compareBoards(board(), after)).toEqual(NOTHING)
  })

  it('lists added and removed elements, and the relations that went with them', () => {
    const after = [
      ...without(board(), 'shape:doposcuola', 'shape:a-impegno', 'binding:a-impegno-start', 'binding:a-impegno-end'),
      elementShape('biblioteca', { kind: 'biblioteca', name: 'Biblioteca Baldini' }),
    ]
    expect(compareBoards(board(), after)).toEqual({
      elements: [
        { id: 'shape:biblioteca', name: 'Biblioteca Baldini', kind: 'Biblioteca', change: 'added', fields: [] },
        { id: 'shape:doposcuola', name: 'Doposcuola solidale', kind: 'Pratica o azione generativa', change: 'removed', fields: [] },
      ],
      relations: [{ id: 'shape:a-impegno', label: 'Cooperativa Il Mulino → si impegna a → Doposcuola solidale', change: 'removed', fields: [] }],
      counts: { added: 1, removed: 2, changed: 0 },
    })
  })

  it('reports a rename on the element only, accents and all, and labels its relations with the new name', () => {
    const after = edit(board(), 'coop', props({ name: 'Società Cooperativa «Il Mulino» – Santarcangelo' }))
    expect(compareBoards(board(), after)).toEqual({
      elements: [
        {
          id: 'shape:coop',
          name: 'Società Cooperativa «Il Mulino» – Santarcangelo',
          kind: 'Organizzazione del Terzo settore',
          change: 'changed',
          fields: [{ field: 'name', before: 'Cooperativa Il Mulino', after: 'Società Cooperativa «Il Mulino» – Santarcangelo' }],
        },
      ],
      relations: [],
      counts: { added: 0, removed: 0, changed: 1 },
    })
  })

  it('compares sectors and lines, lines as sets: reordering them is no change', () => {
    let after = edit(board(), 'comune', props({ sector: 'civico', kind: 'cittadino' }))
    after = edit(after, 'coop', props({ lines: ['relazioni', 'welfare'] }))
    after = edit(after, 'doposcuola', props({ lines: ['welfare', 'solidarieta'], notes: 'Il martedì e il giovedì' }))
    expect(compareBoards(board(), after).elements).toEqual([
      {
        id: 'shape:comune',
        name: 'Comune di Santarcangelo',
        kind: 'Cittadino/a attivo/a',
        change: 'changed',
        fields: [
          { field: 'kind', before: 'Ente / servizio pubblico', after: 'Cittadino/a attivo/a' },
          { field: 'sector', before: 'Pubblico', after: 'Civico' },
        ],
      },
      {
        id: 'shape:doposcuola',
        name: 'Doposcuola solidale',
        kind: 'Pratica o azione generativa',
        change: 'changed',
        fields: [
          {
            field: 'lines',
            before: 'Solidarietà e collaborazione generativa',
            after: 'Welfare personalizzato e comunitario, Solidarietà e collaborazione generativa',
          },
          { field: 'notes', before: '', after: 'Il martedì e il giovedì' },
        ],
      },
    ])
  })

  it('reports moving a card into a frame', () => {
    const after = edit(board(), 'cabina', () => ({ parentId: 'shape:fase2', x: 40, y: 40 }))
    expect(compareBoards(board(), after).elements).toEqual([
      {
        id: 'shape:cabina',
        name: 'Cabina di regia',
        kind: 'Cabina di regia',
        change: 'changed',
        fields: [{ field: 'frame', before: '', after: 'Fase 2 – Mappatura' }],
      },
    ])
  })

  it('reports a retyped relation, with the commitment it now carries', () => {
    const commitment = { what: 'Co-progettare il servizio', by: 'Dicembre 2025', resources: '' }
    const after = edit(board(), 'a-collabora', meta({ relation: 'impegno', commitment }))
    expect(compareBoards(board(), after)).toEqual({
      elements: [],
      relations: [
        {
          id: 'shape:a-collabora',
          label: 'Cooperativa Il Mulino → si impegna a → Comune di Santarcangelo',
          change: 'changed',
          fields: [
            { field: 'type', before: 'collabora con', after: 'si impegna a' },
            { field: 'commitment', before: '', after: 'Co-progettare il servizio · Dicembre 2025' },
          ],
        },
      ],
      counts: { added: 0, removed: 0, changed: 1 },
    })
  })

  it('reports a re-targeted relation by its ends, not their names', () => {
    const after = board().map((r) => (r.id === 'binding:a-coordina-end' ? ({ ...r, toId: 'shape:doposcuola' } as UnknownRecord) : r))
    expect(compareBoards(board(), after).relations).toEqual([
      {
        id: 'shape:a-coordina',
        label: 'Comune di Santarcangelo → coordina → Doposcuola solidale',
        change: 'changed',
        fields: [{ field: 'target', before: 'Cabina di regia', after: 'Doposcuola solidale' }],
      },
    ])
  })

  it('reports an edited commitment, and relation lines as sets', () => {
    let after = edit(board(), 'a-impegno', meta({ commitment: { ...COMMITMENT, by: 'Ottobre 2025', resources: '2 educatori; locali' } }))
    after = edit(after, 'a-coordina', meta({ lines: ['welfare'] }))
    expect(compareBoards(board(), after).relations).toEqual([
      {
        id: 'shape:a-coordina',
        label: 'Comune di Santarcangelo → coordina → Cabina di regia',
        change: 'changed',
        fields: [{ field: 'lines', before: '', after: 'Welfare personalizzato e comunitario' }],
      },
      {
        id: 'shape:a-impegno',
        label: 'Cooperativa Il Mulino → si impegna a → Doposcuola solidale',
        change: 'changed',
        fields: [
          {
            field: 'commitment',
            before: 'Aprire il doposcuola il martedì · Settembre 2025 · 2 educatori',
            after: 'Aprire il doposcuola il martedì · Ottobre 2025 · 2 educatori; locali',
          },
        ],
      },
    ])
  })

  it('does not report a commitment whose "what" is only the target standing in, when the target is renamed', () => {
    const before = edit(board(), 'a-impegno', meta({ commitment: { ...COMMITMENT, what: '' } }))
    const after = edit(before, 'doposcuola', props({ name: 'Doposcuola estivo' }))
    const comparison = compareBoards(before, after)
    expect(comparison.relations).toEqual([])
    expect(comparison.elements.map((e) => e.fields)).toEqual([[{ field: 'name', before: 'Doposcuola solidale', after: 'Doposcuola estivo' }]])
  })

  it('labels in English when asked', () => {
    let after = edit(board(), 'a-collabora', meta({ relation: 'impegno', commitment: { what: 'Co-design', by: '', resources: 'Staff' } }))
    after = edit(after, 'comune', props({ sector: 'civico', lines: ['relazioni'] }))
    expect(compareBoards(board(), after, 'en')).toEqual({
      elements: [
        {
          id: 'shape:comune',
          name: 'Comune di Santarcangelo',
          kind: 'Public body or service',
          change: 'changed',
          fields: [
            { field: 'sector', before: 'Public', after: 'Civic' },
            { field: 'lines', before: '', after: 'Meaningful relationships' },
          ],
        },
      ],
      relations: [
        {
          id: 'shape:a-collabora',
          label: 'Cooperativa Il Mulino → commits to → Comune di Santarcangelo',
          change: 'changed',
          fields: [
            { field: 'type', before: 'collaborates with', after: 'commits to' },
            { field: 'commitment', before: '', after: 'Co-design · Staff' },
          ],
        },
      ],
      counts: { added: 0, removed: 0, changed: 2 },
    })
  })

  it('orders added, changed, removed, then by name in Italian collation, and counts elements and relations together', () => {
    let after = without(board(), 'shape:cabina', 'shape:a-coordina', 'binding:a-coordina-start', 'binding:a-coordina-end')
    after = edit(after, 'doposcuola', props({ notes: 'Nuovo' }))
    after = edit(after, 'comune', props({ notes: 'Nuovo' }))
    after = [
      ...after,
      elementShape('zeta', { kind: 'cittadino', name: 'Zeno Rossi' }),
      elementShape('eta', { kind: 'cittadino', name: 'Élodie Bianchi' }),
      elementShape('anna', { kind: 'cittadino', name: 'anna Verdi' }),
      ...relationShapes('a-nuova', 'eta', 'zeta'),
    ]
    const comparison = compareBoards(board(), after)
    expect(comparison.elements.map((e) => [e.change, e.name])).toEqual([
      ['added', 'anna Verdi'],
      ['added', 'Élodie Bianchi'],
      ['added', 'Zeno Rossi'],
      ['changed', 'Comune di Santarcangelo'],
      ['changed', 'Doposcuola solidale'],
      ['removed', 'Cabina di regia'],
    ])
    expect(comparison.relations.map((r) => [r.change, r.label])).toEqual([
      ['added', 'Élodie Bianchi → Zeno Rossi'],
      ['removed', 'Comune di Santarcangelo → coordina → Cabina di regia'],
    ])
    expect(comparison.counts).toEqual({ added: 4, removed: 2, changed: 2 })
  })
})
