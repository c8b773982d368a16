import { boardSchema, createInitialRecords } from '@opificio/shared'
import { atom } from '@tldraw/state'
import { Store, type UnknownRecord } from '@tldraw/store'
import { defaultBindingUtils, defaultShapeUtils, defaultTools, Editor } from 'tldraw'

/** A real tldraw Editor on `store`, drawing nothing (a DOM such as happy-dom's is enough). The caller disposes of it. */
export function editorOn(store: Store<UnknownRecord>): Editor {
  return new Editor({
    store: store as never,
    shapeUtils: defaultShapeUtils,
    bindingUtils: defaultBindingUtils,
    // The select tool, as on the board page: grouping and ungrouping do nothing in any other.
    tools: defaultTools,
    initialState: 'select',
    getContainer: () => document.body,
  })
}

/** A new board's records in a store, with an editor on them, for unit tests under happy-dom. */
export function headlessEditor(): { editor: Editor; store: Store<UnknownRecord> } {
  const store = new Store<UnknownRecord>({
    schema: boardSchema as never,
    props: { defaultName: '', assets: {}, onMount: () => undefined, users: { currentUser: atom('nobody', null) } } as never,
  })
  store.put(createInitialRecords('Pagina 1') as never)
  return { editor: editorOn(store), store }
}
