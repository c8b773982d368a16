import { boardSchema, createInitialRecords } from '@opificio/shared'
import { atom } from '@tldraw/state'
import { Store, type UnknownRecord } from '@tldraw/store'
import { defaultBindingUtils, defaultShapeUtils, defaultTools, Editor } from 'tldraw'

/**
 * A real tldraw Editor on a new board's records, for unit tests under happy-dom (no canvas
 * drawn). The caller disposes of it.
 */
export function headlessEditor(): { editor: Editor; store: Store<UnknownRecord> } {
  const store = new Store<UnknownRecord>({
    schema: boardSchema as never,
    props: { defaultName: '', assets: {}, onMount: () => undefined, users: { currentUser: atom('nobody', null) } } as never,
  })
  store.put(createInitialRecords('Pagina 1') as never)
  const editor = new Editor({
    store: store as never,
    shapeUtils: defaultShapeUtils,
    bindingUtils: defaultBindingUtils,
    tools: defaultTools,
    initialState: 'select',
    getContainer: () => document.body,
  })
  return { editor, store }
}
