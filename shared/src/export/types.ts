/**
 * What a board exports as tables (CSV, JSON, the PDF's pages): computed from its records alone,
 * the same on the server (HTTP API) and in the browser (PDF), in the language asked for.
 */
export type ExportLocale = 'it' | 'en'

export interface ElementRow {
  id: string
  /** The kind's label in the export's language; `kindId` is the template's id. */
  kind: string
  kindId: string
  /** place, actor, governance, resource or need. */
  group: string
  name: string
  /** The sector's label, or '' for none. */
  sector: string
  /** Production lines' labels. */
  lines: string[]
  notes: string
  /** The name of the frame (phase) the element is in, or '' on the page. */
  frame: string
}

export interface RelationRow {
  id: string
  /** The relation type's label, or '' for an untyped arrow between elements. */
  type: string
  typeId: string
  source: string
  sourceId: string
  target: string
  targetId: string
  lines: string[]
}

/** A governance body (element of the governance group) and who is in it. */
export interface BodyRow {
  id: string
  name: string
  kind: string
  /** Names of the elements related to the body as members (see tables.ts for which relations count). */
  members: string[]
}

/** A row of the pact's "chi fa cosa" table, from a commitment relation (si impegna a). */
export interface PactRow {
  id: string
  /** soggetto */
  who: string
  /** impegno */
  what: string
  /** entro quando */
  by: string
  /** risorse */
  resources: string
}

/** One element's count in one revealed dot vote. */
export interface VoteResultRow {
  voteId: string
  elementId: string
  element: string
  count: number
}

export interface BoardTables {
  elements: ElementRow[]
  relations: RelationRow[]
  bodies: BodyRow[]
  pact: PactRow[]
  votes: VoteResultRow[]
}
