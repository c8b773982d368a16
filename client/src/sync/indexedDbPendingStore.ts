import type { PendingRecord, PendingStore } from './pendingStore.ts'

const DATABASE = 'opificio'
const RECORDS = 'unconfirmed-edits'
const BY_BOARD = 'boardId'

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = tx.onabort = () => reject(tx.error)
  })
}

/** Pending records in this origin's IndexedDB, one per clientId. */
export class IndexedDbPendingStore implements PendingStore {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(): Promise<IndexedDbPendingStore> {
    const request = indexedDB.open(DATABASE, 1)
    request.onupgradeneeded = () => {
      request.result.createObjectStore(RECORDS, { keyPath: 'clientId' }).createIndex(BY_BOARD, 'boardId')
    }
    return new IndexedDbPendingStore(await done(request))
  }

  async list(boardId: string) {
    const index = this.db.transaction(RECORDS, 'readonly').objectStore(RECORDS).index(BY_BOARD)
    const records = (await done(index.getAll(boardId))) as PendingRecord[]
    return records.sort((a, b) => b.savedAt - a.savedAt)
  }

  // Writes open their transaction before returning: one started in `pagehide` still commits
  // after the page is gone, and transactions on one store run in the order they were opened.

  put(record: PendingRecord) {
    const tx = this.db.transaction(RECORDS, 'readwrite')
    tx.objectStore(RECORDS).put(record)
    return committed(tx)
  }

  delete(clientId: string) {
    const tx = this.db.transaction(RECORDS, 'readwrite')
    tx.objectStore(RECORDS).delete(clientId)
    return committed(tx)
  }
}
