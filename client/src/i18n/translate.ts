import { useUserStore } from '../user/userStore.ts'
import { it, tables, type Locale, type StringKey } from './strings.ts'

export function translate(locale: Locale, key: StringKey, vars: Record<string, string | number> = {}): string {
  const text = tables[locale][key] ?? it[key]
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`))
}

/** The translate function for the user's language; re-renders when it changes. */
export function useT() {
  const locale = useUserStore((s) => s.locale)
  return (key: StringKey, vars?: Record<string, string | number>) => translate(locale, key, vars)
}
