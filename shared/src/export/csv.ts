import type { BoardTables, ExportLocale } from './types.ts'

export interface CsvColumn<R> {
  header: string
  value: (row: R) => string | number
}

const CRLF = '\r\n'

/**
 * Spreadsheets run a cell starting with one of these as a formula, and board text is typed by
 * anyone with the link: a leading apostrophe keeps it text (OWASP, CSV injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/

function csvCell(value: string | number): string {
  let text = String(value)
  if (FORMULA_START.test(text)) text = `'${text}`
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

const csvLine = (cells: (string | number)[]) => cells.map(csvCell).join(';') + CRLF

/** A header row and one row per item, every line ending in CRLF. */
export function tableToCsv<R>(rows: R[], columns: CsvColumn<R>[]): string {
  return csvLine(columns.map((c) => c.header)) + rows.map((r) => csvLine(columns.map((c) => c.value(r)))).join('')
}

const list = (items: string[]) => items.join(', ')

/** Exported data, not UI: the document's language is asked for with the export, not the user's. */
const WORDS = {
  it: {
    elements: 'Elementi',
    relations: 'Relazioni',
    bodies: 'Organi di governance',
    pact: 'Patto di collaborazione – chi fa cosa',
    votes: 'Votazioni',
    kind: 'Tipo',
    group: 'Gruppo',
    name: 'Nome',
    sector: 'Settore',
    lines: 'Linee di produzione',
    notes: 'Note',
    frame: 'Riquadro',
    source: 'Da',
    relation: 'Relazione',
    target: 'A',
    body: 'Organo',
    members: 'Membri',
    who: 'Soggetto',
    what: 'Impegno',
    by: 'Entro quando',
    resources: 'Risorse',
    vote: 'Votazione',
    element: 'Elemento',
    count: 'Punti',
  },
  en: {
    elements: 'Elements',
    relations: 'Relations',
    bodies: 'Governance bodies',
    pact: 'Collaboration pact – who does what',
    votes: 'Votes',
    kind: 'Kind',
    group: 'Group',
    name: 'Name',
    sector: 'Sector',
    lines: 'Production lines',
    notes: 'Notes',
    frame: 'Frame',
    source: 'From',
    relation: 'Relation',
    target: 'To',
    body: 'Body',
    members: 'Members',
    who: 'Actor',
    what: 'Commitment',
    by: 'By when',
    resources: 'Resources',
    vote: 'Vote',
    element: 'Element',
    count: 'Dots',
  },
} as const

const GROUPS: Record<ExportLocale, Record<string, string>> = {
  it: { place: 'Luogo', actor: 'Soggetto', governance: 'Organo di governance', resource: 'Risorsa o servizio', need: 'Bisogno' },
  en: { place: 'Place', actor: 'Actor', governance: 'Governance body', resource: 'Resource or service', need: 'Need' },
}

/** The whole board as one spreadsheet-ready text: UTF-8 BOM (Excel guesses the encoding otherwise), `;`, CRLF. */
export function tablesToCsv(tables: BoardTables, locale: ExportLocale = 'it'): string {
  const w = WORDS[locale]
  const section = <R>(title: string, rows: R[], columns: [string, CsvColumn<R>['value']][]) =>
    csvLine([title]) +
    tableToCsv(
      rows,
      columns.map(([header, value]) => ({ header, value }))
    )
  return `\uFEFF${[
    section(w.elements, tables.elements, [
      [w.kind, (e) => e.kind],
      [w.group, (e) => GROUPS[locale][e.group] ?? e.group],
      [w.name, (e) => e.name],
      [w.sector, (e) => e.sector],
      [w.lines, (e) => list(e.lines)],
      [w.notes, (e) => e.notes],
      [w.frame, (e) => e.frame],
    ]),
    section(w.relations, tables.relations, [
      [w.source, (r) => r.source],
      [w.relation, (r) => r.type],
      [w.target, (r) => r.target],
      [w.lines, (r) => list(r.lines)],
    ]),
    section(w.bodies, tables.bodies, [
      [w.body, (b) => b.name],
      [w.kind, (b) => b.kind],
      [w.members, (b) => list(b.members)],
    ]),
    section(w.pact, tables.pact, [
      [w.who, (p) => p.who],
      [w.what, (p) => p.what],
      [w.by, (p) => p.by],
      [w.resources, (p) => p.resources],
    ]),
    section(w.votes, tables.votes, [
      [w.vote, (v) => v.voteId],
      [w.element, (v) => v.element],
      [w.count, (v) => v.count],
    ]),
  ].join(CRLF)}`
}
