import { createHash } from 'node:crypto'

/**
 * A board's id is its secret link, so storage never writes it into a message or a log line: it
 * names the board by the first 8 hex digits of the id's SHA-256 instead. The recovery tool
 * accepts this tag in place of the id.
 */
export function boardTag(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 8)
}
