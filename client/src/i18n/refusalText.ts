import type { Refusal } from '@opificio/shared'
import { useUserStore } from '../user/userStore.ts'
import { isStringKey, type Locale } from './strings.ts'
import { translate } from './translate.ts'

/** Codes whose `limit` is a size in bytes, said as KB or MB. */
const BYTE_LIMITS = new Set<string>(['too-large', 'board-full'])

function number(n: number, locale: Locale) {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(n)
}

/** A size in bytes the way people read it: "1 MB", "64 MB", "512 KB". */
export function readableBytes(bytes: number, locale: Locale): string {
  if (bytes >= 1024 * 1024) return `${number(bytes / (1024 * 1024), locale)} MB`
  if (bytes >= 1024) return `${number(bytes / 1024, locale)} KB`
  return `${number(bytes, locale)} byte`
}

/** A parameter as words: sizes readable, template items and record types translated, raw names otherwise. */
function word(code: string, name: string, value: string | number, locale: Locale): string | number {
  if (name === 'limit' && typeof value === 'number') return BYTE_LIMITS.has(code) ? readableBytes(value, locale) : number(value, locale)
  if (name === 'what' || name === 'type') {
    const key = `refusal.${name}.${value}`
    return isStringKey(key) ? translate(locale, key) : value
  }
  return value
}

/**
 * Why the server refused a change, in the reader's language (the current one unless told). Only
 * the code and its parameters reach the screen; the refusal's `detail` is for logs.
 */
export function refusalText(refusal: Refusal, locale: Locale = useUserStore.getState().locale): string {
  const key = `refusal.${refusal.code}`
  if (!isStringKey(key)) return translate(locale, 'refusal.unknown')
  const vars: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(refusal.params ?? {})) vars[name] = word(refusal.code, name, value, locale)
  return translate(locale, key, vars)
}
