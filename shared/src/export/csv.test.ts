import { describe, expect, it } from 'vitest'
import { tableToCsv, tablesToCsv } from './csv.ts'
import { tablesToJson } from './json.ts'
import type { BoardTables } from './types.ts'

const COOP = 'Società Cooperativa «Il Mulino» – Santarcangelo'

const tables: BoardTables = {
  elements: [
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
  ],
  relations: [
    {
      id: 'shape:a',
      type: 'partecipa a',
      typeId: 'partecipa',
      source: COOP,
      sourceId: 'shape:coop',
      target: 'Cabina di regia',
      targetId: 'shape:cabina',
      lines: ['Welfare personalizzato e comunitario'],
    },
    { id: 'shape:b', type: '', typeId: '', source: 'Comune', sourceId: 'shape:comune', target: 'Biblioteca', targetId: 'shape:bib', lines: [] },
  ],
  bodies: [{ id: 'shape:cabina', name: 'Cabina di regia', kind: 'Cabina di regia', members: ['Comune', COOP] }],
  pact: [{ id: 'shape:c', who: COOP, what: 'Aprire il doposcuola', by: '-30 giorni', resources: '2 educatori; locali' }],
  votes: [{ voteId: 'vote:v1', elementId: 'shape:coop', element: COOP, count: 3 }],
}

describe('tablesToCsv', () => {
  it('writes every section, quoted and defused, with a BOM, `;` and CRLF', () => {
    expect(tablesToCsv(tables, 'it')).toBe(
      [
        '\uFEFFElementi',
        'Tipo;Gruppo;Nome;Settore;Linee di produzione;Note;Riquadro',
        `Cittadino/a attivo/a;Soggetto;"'=HYPERLINK(""http://x"")";Civico;;;`,
        `Organizzazione del Terzo settore;Soggetto;${COOP};Privato sociale;Welfare personalizzato e comunitario, Relazioni significative;"Orari: lun; mer\nsede in via Verdi";Fase 1 – Tavolo`,
        '',
        'Relazioni',
        'Da;Relazione;A;Linee di produzione',
        `${COOP};partecipa a;Cabina di regia;Welfare personalizzato e comunitario`,
        'Comune;;Biblioteca;',
        '',
        'Organi di governance',
        'Organo;Tipo;Membri',
        `Cabina di regia;Cabina di regia;Comune, ${COOP}`,
        '',
        'Patto di collaborazione – chi fa cosa',
        'Soggetto;Impegno;Entro quando;Risorse',
        `${COOP};Aprire il doposcuola;'-30 giorni;"2 educatori; locali"`,
        '',
        'Votazioni',
        'Votazione;Elemento;Punti',
        `vote:v1;${COOP};3`,
        '',
      ].join('\r\n')
    )
  })

  it('heads the columns and names the groups in English when asked; the labels come translated in the tables', () => {
    expect(tablesToCsv(tables, 'en')).toBe(
      [
        '\uFEFFElements',
        'Kind;Group;Name;Sector;Production lines;Notes;Frame',
        `Cittadino/a attivo/a;Actor;"'=HYPERLINK(""http://x"")";Civico;;;`,
        `Organizzazione del Terzo settore;Actor;${COOP};Privato sociale;Welfare personalizzato e comunitario, Relazioni significative;"Orari: lun; mer\nsede in via Verdi";Fase 1 – Tavolo`,
        '',
        'Relations',
        'From;Relation;To;Production lines',
        `${COOP};partecipa a;Cabina di regia;Welfare personalizzato e comunitario`,
        'Comune;;Biblioteca;',
        '',
        'Governance bodies',
        'Body;Kind;Members',
        `Cabina di regia;Cabina di regia;Comune, ${COOP}`,
        '',
        'Collaboration pact – who does what',
        'Actor;Commitment;By when;Resources',
        `${COOP};Aprire il doposcuola;'-30 giorni;"2 educatori; locali"`,
        '',
        'Votes',
        'Vote;Element;Dots',
        `vote:v1;${COOP};3`,
        '',
      ].join('\r\n')
    )
  })

  it('keeps the header and title of an empty section', () => {
    const empty: BoardTables = { elements: [], relations: [], bodies: [], pact: [], votes: [] }
    expect(tablesToCsv(empty).split('\r\n').slice(0, 4)).toEqual([
      '\uFEFFElementi',
      'Tipo;Gruppo;Nome;Settore;Linee di produzione;Note;Riquadro',
      '',
      'Relazioni',
    ])
  })
})

describe('tableToCsv', () => {
  it.each([
    ['plain', 'plain'],
    ['a;b', '"a;b"'],
    ['say "hi"', '"say ""hi"""'],
    ['one\r\ntwo', '"one\r\ntwo"'],
    ['+39 0541', "'+39 0541"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['=1;2', `"'=1;2"`],
  ])('writes %j as %j', (value, cell) => {
    expect(tableToCsv([{ value }], [{ header: 'H', value: (r) => r.value }])).toBe(`H\r\n${cell}\r\n`)
  })
})

describe('tablesToJson', () => {
  it('wraps the tables with the board and a format version', () => {
    const json = tablesToJson(tables, { title: 'Tavolo', phase: 1, exportedAt: '2025-05-01T10:00:00.000Z' })
    expect(json).toEqual({
      format: 'opificio-export',
      version: 1,
      board: { title: 'Tavolo', phase: 1, exportedAt: '2025-05-01T10:00:00.000Z', snapshot: null },
      elements: tables.elements,
      relations: tables.relations,
      governanceBodies: tables.bodies,
      pact: tables.pact,
      votes: tables.votes,
    })
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
  })
})
