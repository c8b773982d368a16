import { BoardNotFoundError, SnapshotExistsError, UnstorableEntryError, type StorageEngine } from '../storage/types.ts'
import type { Metrics } from './metrics.ts'

/** Answers the engine gives about the request, not about itself: an unknown board is no storage error. */
const ANSWERS = [BoardNotFoundError, SnapshotExistsError, UnstorableEntryError]

export interface MeteredStorage extends StorageEngine {
  /** Resolves once every operation started so far has finished: what a stop waits for before closing the engine. */
  settled(): Promise<void>
}

/**
 * The engine as the app uses it: every failure it reports counted by operation
 * (`opificio_storage_errors_total`), and every operation in flight known, so a stop can let
 * writes finish before it closes the engine.
 */
export function meteredStorage(storage: StorageEngine, metrics: Metrics): MeteredStorage {
  const inFlight = new Set<Promise<unknown>>()
  const track =
    <A extends unknown[], R>(operation: string, run: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      const work = run(...args)
      inFlight.add(work)
      work.then(
        () => inFlight.delete(work),
        (e: unknown) => {
          inFlight.delete(work)
          if (!ANSWERS.some((answer) => e instanceof answer)) metrics.storageError(operation)
        }
      )
      return work
    }
  return {
    createBoard: track('createBoard', (...a) => storage.createBoard(...a)),
    getBoard: track('getBoard', (...a) => storage.getBoard(...a)),
    getAccess: track('getAccess', (...a) => storage.getAccess(...a)),
    setAccess: track('setAccess', (...a) => storage.setAccess(...a)),
    append: track('append', (...a) => storage.append(...a)),
    appendAll: track('append', (...a) => storage.appendAll(...a)),
    load: track('load', (...a) => storage.load(...a)),
    subscribe: (...a) => storage.subscribe(...a),
    compact: track('compact', (...a) => storage.compact(...a)),
    listSnapshots: track('listSnapshots', (...a) => storage.listSnapshots(...a)),
    readSnapshot: track('readSnapshot', (...a) => storage.readSnapshot(...a)),
    boardIds: track('boardIds', (...a) => storage.boardIds(...a)),
    saveSnapshot: track('saveSnapshot', (...a) => storage.saveSnapshot(...a)),
    listSavedSnapshots: track('listSavedSnapshots', (...a) => storage.listSavedSnapshots(...a)),
    readSavedSnapshot: track('readSavedSnapshot', (...a) => storage.readSavedSnapshot(...a)),
    close: () => storage.close(),
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight])
    },
  }
}
