import type { PendingStore } from './pendingStore.ts'
import type { UnconfirmedEdits } from './SyncClient.ts'

export interface PendingKeeperOptions {
  store: PendingStore
  boardId: string
  clientId: string
  /** The edits to keep, read when a write is due. */
  read(): UnconfirmedEdits
  /** Whether a record is already stored under this clientId (an adopted one). */
  stored: boolean
  intervalMs?: number
  /** A write that failed: the edits are still in the page, only their copy is missing. */
  onError?(error: unknown): void
}

/**
 * Keeps the stored copy of a page's unconfirmed edits up to date: a write at most every
 * `intervalMs` after a change, at once on `flush`, and the record deleted once nothing is
 * unconfirmed. Edits confirmed within the interval are never written at all.
 */
export class PendingKeeper {
  private timer: ReturnType<typeof setTimeout> | null = null
  private stored: boolean

  constructor(private readonly opts: PendingKeeperOptions) {
    this.stored = opts.stored
  }

  /** Something unconfirmed changed. */
  changed() {
    this.timer ??= setTimeout(() => void this.flush(), this.opts.intervalMs ?? 200)
  }

  /** Writes now: the page may be about to go. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const { store, boardId, clientId, onError } = this.opts
    const edits = this.opts.read()
    let write: Promise<void>
    if (edits.pending.length || edits.unsent) {
      this.stored = true
      write = store.put({ boardId, clientId, ...edits, savedAt: Date.now() })
    } else if (this.stored) {
      this.stored = false
      write = store.delete(clientId)
    } else return Promise.resolve()
    return write.catch((e) => onError?.(e))
  }

  dispose() {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
