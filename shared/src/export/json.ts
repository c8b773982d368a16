import type { BodyRow, BoardTables, ElementRow, PactRow, RelationRow, VoteResultRow } from './types.ts'

export interface ExportMeta {
  title: string
  phase: number | null
  exportedAt: string
  snapshot?: { id: string; title: string } | null
}

/** The JSON export: versioned so that documents built from it can tell when its shape changes. */
export interface BoardExportJson {
  format: 'opificio-export'
  version: 1
  board: ExportMeta & { snapshot: { id: string; title: string } | null }
  elements: ElementRow[]
  relations: RelationRow[]
  governanceBodies: BodyRow[]
  pact: PactRow[]
  votes: VoteResultRow[]
}

/** Pure data: the caller stringifies it. A live board exports `snapshot: null`, never a missing key. */
export function tablesToJson(tables: BoardTables, meta: ExportMeta): BoardExportJson {
  return {
    format: 'opificio-export',
    version: 1,
    board: { ...meta, snapshot: meta.snapshot ?? null },
    elements: tables.elements,
    relations: tables.relations,
    governanceBodies: tables.bodies,
    pact: tables.pact,
    votes: tables.votes,
  }
}
