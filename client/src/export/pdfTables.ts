import type { BoardTables } from '@opificio/shared'
import type { Locale, StringKey } from '../i18n/strings.ts'
import { translate } from '../i18n/translate.ts'
import type { TableSpec } from './pdfTable.ts'

type Column = [header: StringKey, width: number]

/** The board's tables as the PDF lays them out, in the order of the issue: what, how it connects, who steers, who commits, what was chosen. */
export function pdfTables(tables: BoardTables, locale: Locale, clean: (text: string) => string): TableSpec[] {
  const t = (key: StringKey, vars?: Record<string, string | number>) => translate(locale, key, vars)
  const spec = (section: StringKey, empty: StringKey, columns: Column[], rows: string[][]): TableSpec => ({
    title: t(section),
    continued: t('pdf.continued', { title: t(section) }),
    empty: t(empty),
    columns: columns.map(([header, width]) => ({ header: t(header), width })),
    rows: rows.map((row) => row.map(clean)),
  })
  const list = (items: string[]) => items.join(', ')
  // A vote is known by its order on the board: its id means nothing to a reader.
  const voteNumbers = new Map<string, number>()
  for (const v of tables.votes) if (!voteNumbers.has(v.voteId)) voteNumbers.set(v.voteId, voteNumbers.size + 1)

  return [
    spec(
      'pdf.section.elements',
      'pdf.empty.elements',
      [
        ['pdf.col.name', 0.23],
        ['pdf.col.kind', 0.15],
        ['pdf.col.sector', 0.14],
        ['pdf.col.lines', 0.21],
        ['pdf.col.notes', 0.27],
      ],
      tables.elements.map((e) => [e.name, e.kind, e.sector, list(e.lines), e.notes])
    ),
    spec(
      'pdf.section.relations',
      'pdf.empty.relations',
      [
        ['pdf.col.relation', 0.2],
        ['pdf.col.source', 0.28],
        ['pdf.col.target', 0.28],
        ['pdf.col.lines', 0.24],
      ],
      tables.relations.map((r) => [r.type, r.source, r.target, list(r.lines)])
    ),
    spec(
      'pdf.section.bodies',
      'pdf.empty.bodies',
      [
        ['pdf.col.body', 0.3],
        ['pdf.col.kind', 0.2],
        ['pdf.col.members', 0.5],
      ],
      // One member a line: a body's composition is read as a list.
      tables.bodies.map((b) => [b.name, b.kind, b.members.join('\n')])
    ),
    spec(
      'pdf.section.pact',
      'pdf.empty.pact',
      [
        ['pact.who', 0.26],
        ['pdf.col.commitment', 0.36],
        ['pact.by', 0.16],
        ['pact.resources', 0.22],
      ],
      tables.pact.map((p) => [p.who, p.what, p.by, p.resources])
    ),
    spec(
      'pdf.section.votes',
      'pdf.empty.votes',
      [
        ['pdf.col.vote', 0.16],
        ['pdf.col.element', 0.66],
        ['pdf.col.dots', 0.18],
      ],
      tables.votes.map((v) => [String(voteNumbers.get(v.voteId)), v.element, String(v.count)])
    ),
  ]
}
