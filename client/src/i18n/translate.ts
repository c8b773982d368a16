import { useCallback } from 'react'
import { useUserStore } from '../user/userStore.ts'
import { it, tables, type Locale, type StringKey } from './strings.ts'

export function translate(locale: Locale, key: StringKey, vars: Record<string, string | number> = {}): string {
  const text = tables[locale][key] ?? it[key]
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`))
}

/**
 * The translate function for the user's language; re-renders when it changes. The same function
 * until then, so an effect or a callback that depends on it does not run again on every render.
 */
export function useT() {
  const locale = useUserStore((s) => s.locale)
  return useCallback((key: StringKey, vars?: Record<string, string | number>) => translate(locale, key, vars), [locale])
}
