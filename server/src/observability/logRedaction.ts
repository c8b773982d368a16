import { inspect } from 'node:util'
import { BOARD_ID_IN_TEXT } from '../boards/boardService.ts'
import { boardTag } from '../storage/boardTag.ts'

/**
 * Replaces board ids with their tags. Ids reach log lines inside messages nobody here wrote
 * (file paths in fs errors, Redis keys), so call sites alone cannot keep them out.
 */
export function redactBoardIds(text: string): string {
  return text.replace(BOARD_ID_IN_TEXT, (id) => `#${boardTag(id)}`)
}

/** Whatever a log line carries (a message, an error with its stack), as text without board ids. */
export function loggable(value: unknown): string {
  return redactBoardIds(typeof value === 'string' ? value : inspect(value))
}
