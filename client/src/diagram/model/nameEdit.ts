/** The longest name a card takes, in place or in the inspector. */
export const NAME_MAX = 200

/**
 * The name an edit leaves: one line (a phone's return key may slip a newline in), trimmed, and
 * the kind's own name when emptied, so no card is left blank.
 */
export function finishedName(typed: string, kindLabel: string): string {
  const name = typed.replace(/\s+/g, ' ').trim()
  return name || kindLabel
}
