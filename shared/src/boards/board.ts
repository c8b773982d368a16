import { T } from '@tldraw/validate'

export interface BoardMeta {
  id: string
  title: string
  createdAt: string
}

/**
 * What a link lets its holder do on a board. The server decides it on every message and every
 * HTTP call from the link's token; a client only mirrors it.
 * - facilitator: everything, including the template, phases, locks and rotating links;
 * - participant: edit the diagram, except what is locked or belongs to the facilitator;
 * - projector: watch, read-only.
 */
export type Role = 'facilitator' | 'participant' | 'projector'
export const ROLES: readonly Role[] = ['facilitator', 'participant', 'projector']

/** A board's role links, as absolute URLs carrying their token in the fragment. */
export type BoardLinks = Record<Role, string>

export interface CreatedBoard extends BoardMeta {
  links: BoardLinks
}

/** A board as its link's holder sees it: the links they may pass on come with it. */
export interface BoardView extends BoardMeta {
  role: Role
  links: Partial<BoardLinks>
}

/** In Unicode code points, after normalisation. */
export const TITLE_MAX = 120

/** Line breaks and tabs pasted into a title become spaces: a title is one line. */
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g
/** Any other C0 or C1 control character (and DEL) has no place in text a person reads. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/u
/**
 * Bidi embeddings, overrides and isolates reorder the text around them, so a title could show
 * something other than what it holds. The plain marks (LRM, RLM, ALM) are kept: right-to-left
 * scripts need them and they cannot reorder letters.
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u
/** Half of a surrogate pair: not text, and it would turn into U+FFFD on its way to disk. */
const LONE_SURROGATE = /\p{Surrogate}/u
/**
 * Characters nothing is drawn for. Zero-width joiners stay allowed inside a title (emoji
 * sequences and Indic and Persian scripts need them; a title names a board and is no identifier,
 * so look-alike spoofing gains nothing), but a title made only of them would show as blank.
 */
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}]/gu

/**
 * A board title as it is stored: NFC, one line, trimmed. Throws, with a reason for the person
 * who typed it, when it cannot be shown faithfully.
 */
export function normalizeBoardTitle(raw: string): string {
  if (LONE_SURROGATE.test(raw)) throw new Error('title must be valid Unicode text')
  const title = raw.normalize('NFC').replace(LINE_BREAKS, ' ').trim()
  if (CONTROLS.test(title)) throw new Error('title must not contain control characters')
  if (BIDI_CONTROLS.test(title)) throw new Error('title must not contain bidirectional override or isolate characters')
  if (title.replace(INVISIBLE, '').length === 0) throw new Error('title must not be empty')
  if ([...title].length > TITLE_MAX) throw new Error(`title must be at most ${TITLE_MAX} characters`)
  return title
}

export const createBoardBodyValidator: T.Validator<{ title: string }> = T.object({
  title: T.string.refine(normalizeBoardTitle),
})

/** The board's page; the role's token follows in the fragment, which browsers never send to a server. */
export function boardPath(boardId: string) {
  return `/b/${boardId}`
}

/** A role link: `origin` is the address people open (PUBLIC_URL), never a guess from a request. */
export function boardLink(origin: string, boardId: string, token: string) {
  return `${origin}${boardPath(boardId)}#${token}`
}

/** The token of a role link, from its fragment; null when there is none. */
export function linkToken(hash: string): string | null {
  const token = hash.replace(/^#/, '')
  return /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : null
}
