import { T } from '@tldraw/validate'

export interface BoardMeta {
  id: string
  title: string
  createdAt: string
}

export interface CreatedBoard extends BoardMeta {
  links: { participant: string }
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

export function participantPath(boardId: string) {
  return `/b/${boardId}`
}
