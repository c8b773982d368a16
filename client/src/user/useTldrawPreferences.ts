import { useEffect } from 'react'
import { getUserPreferences, setUserPreferences, type TLUserPreferences } from 'tldraw'
import { useUserStore } from './userStore.ts'

type User = ReturnType<typeof useUserStore.getState>

/**
 * Makes tldraw's preferences in this browser (its menus' language; the name and colour others
 * see) this person's, as `pick` takes them, now and whenever they change. Called by a page before
 * it makes its editor: an editor made in the browser's language and told another after drew every
 * card twice, and a board of 2,000 records answered a click half a second later.
 * `pick` must keep its identity (a function of the module).
 */
export function useTldrawPreferences(pick: (user: User) => Partial<TLUserPreferences>) {
  useEffect(() => {
    const apply = () => {
      const prefs = getUserPreferences()
      const wanted = pick(useUserStore.getState())
      if (Object.entries(wanted).some(([key, value]) => prefs[key as keyof TLUserPreferences] !== value)) {
        setUserPreferences({ ...prefs, ...wanted })
      }
    }
    apply()
    return useUserStore.subscribe(apply)
  }, [pick])
}
