import type { BoardAccess } from './types.ts'

const ROLES = ['facilitator', 'participant', 'projector'] as const

/**
 * The three tokens and nothing else, as every engine stores them: a copy, so a caller mutating
 * what it passed or got back changes nothing stored. Throws a TypeError for a token that is not
 * a string (the message names the role, never a value).
 */
export function accessOf(access: BoardAccess): BoardAccess {
  for (const role of ROLES) {
    if (typeof access?.[role] !== 'string') throw new TypeError(`a board's ${role} token must be a string`)
  }
  const copy: BoardAccess = { facilitator: access.facilitator, participant: access.participant, projector: access.projector }
  if (access.sealKey !== undefined) {
    if (typeof access.sealKey !== 'string') throw new TypeError("a board's seal key must be a string")
    copy.sealKey = access.sealKey
  }
  return copy
}

/**
 * Checks stored tokens read back (JSON text): the tokens, or what is wrong if they are not three
 * strings. The detail names fields only: the stored text is a secret and must stay out of logs.
 */
export function parseStoredAccess(raw: string): { access: BoardAccess } | { damage: string } {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    // Not the parser's message: it quotes the text, tokens and all.
    return { damage: 'not JSON' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { damage: 'not an object' }
  const missing = ROLES.filter((role) => typeof (value as Record<string, unknown>)[role] !== 'string')
  if (missing.length > 0) return { damage: `no ${missing.join(', ')} token` }
  const sealKey = (value as Record<string, unknown>).sealKey
  if (sealKey !== undefined && typeof sealKey !== 'string') return { damage: 'a seal key that is not text' }
  return { access: accessOf(value as BoardAccess) }
}
