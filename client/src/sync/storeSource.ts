import { DOCUMENT_TYPE_NAMES, type RecordSource } from '@opificio/shared'
import type { RecordId, Store, UnknownRecord } from '@tldraw/store'

/** The fold's view of a tldraw store: its document records only. */
export function storeSource(store: Store<UnknownRecord>): RecordSource {
  const documentRecords = () => store.allRecords().filter((r) => DOCUMENT_TYPE_NAMES.has(r.typeName))
  return {
    get: (id) => {
      const r = store.get(id as RecordId<UnknownRecord>)
      return r && DOCUMENT_TYPE_NAMES.has(r.typeName) ? r : undefined
    },
    all: documentRecords,
    size: () => documentRecords().length,
  }
}
