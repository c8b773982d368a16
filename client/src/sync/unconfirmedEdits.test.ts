import { boardSchema, createInitialRecords, encodeWelcomeDocument } from '@opificio/shared'
import { Store, type RecordId, type UnknownRecord } from '@tldraw/store'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { geoShape } from '@opificio/shared/testing'
import { BOARD, FakeSocket } from './fakeSocket.ts'
import { memoryLocks } from './memoryLocks.ts'
import { PendingKeeper } from './pendingKeeper.ts'
import { MemoryPendingStore, type PendingRecord, type PendingStore } from './pendingStore.ts'
import { SyncClient } from './SyncClient.ts'
import { CLAIM_WAIT_MS, claimWriter, type ClaimLock, type Writer } from './writerClaim.ts'
import { useFakeTimers } from './fakeTimers.ts'

const INITIAL = createInitialRecords('Pagina 1')

let keys = 0
const freshKey = () => `key${++keys}`

/** One page load of the board: claims a key, restores what it finds, keeps what it leaves unconfirmed. */
async function openPage(pendingStore: PendingStore, locks: ClaimLock) {
  const writer: Writer = await claimWriter(BOARD.id, pendingStore, locks, freshKey)
  const store = new Store<UnknownRecord>({ schema: boardSchema as never, props: {} })
  const socket = new FakeSocket()
  let keeper: PendingKeeper | null = null
  const client = new SyncClient({
    store,
    socket,
    boardId: BOARD.id,
    clientId: writer.clientId,
    restored: writer.restored ?? undefined,
    pushIntervalMs: 0,
    onState: () => keeper?.changed(),
  })
  keeper = new PendingKeeper({
    store: pendingStore,
    boardId: BOARD.id,
    clientId: writer.clientId,
    read: () => client.unconfirmedEdits(),
    stored: writer.restored !== null,
  })
  const page = {
    writer,
    store,
    socket,
    client,
    keeper,
    has: (id: string) => store.has(id as RecordId<UnknownRecord>),
    /** The tab goes: what is unconfirmed is written as `pagehide` would, then its lock is let go. */
    async close() {
      await keeper!.flush()
      keeper!.dispose()
      client.dispose()
      writer.release()
    },
  }
  pages.push(page)
  return page
}

const pages: { client: SyncClient; keeper: PendingKeeper }[] = []

beforeEach(() => {
  useFakeTimers()
})

afterEach(() => {
  for (const p of pages.splice(0)) {
    p.keeper.dispose()
    p.client.dispose()
  }
  vi.useRealTimers()
})

describe('unconfirmed edits across a reload', () => {
  it('are re-sent after the welcome under the same key and seqs, and the record goes once they are confirmed', async () => {
    const pendingStore = new MemoryPendingStore()
    const locks = memoryLocks()
    const a = await openPage(pendingStore, locks)
    a.socket.open()
    a.socket.welcome({ settledSeq: 0, offset: 0, document: encodeWelcomeDocument(INITIAL) })
    const pushed = geoShape('pushed')
    a.store.put([pushed as never])
    vi.advanceTimersByTime(50)
    expect(a.socket.pushes().map((p) => p.seq)).toEqual([1])
    // The connection goes before the server confirms it; the next shape is drawn offline.
    a.socket.drop()
    const offline = geoShape('offline')
    a.store.put([offline as never])
    expect(a.client.syncState.unconfirmed).toBe(2)
    await a.close()

    const [record] = await pendingStore.list(BOARD.id)
    expect(record).toMatchObject({ boardId: BOARD.id, clientId: a.writer.clientId, nextSeq: 2, pending: [{ seq: 1 }] })
    expect(Object.keys(record.unsent!)).toEqual([offline.id])

    const b = await openPage(pendingStore, locks)
    expect(b.writer.clientId).toBe(a.writer.clientId)
    expect(b.client.syncState.unconfirmed).toBe(2)
    b.socket.open()
    expect(b.socket.hellos()).toEqual([expect.objectContaining({ clientId: a.writer.clientId, lastOffset: null })])
    // Nothing is sent before the welcome says which of them the server already has.
    expect(b.socket.pushes()).toEqual([])
    b.socket.welcome({ settledSeq: 0, offset: 0, document: encodeWelcomeDocument(INITIAL) })
    expect(b.socket.pushes()).toEqual([
      { seq: 1, diff: { [pushed.id]: ['put', pushed] } },
      { seq: 2, diff: { [offline.id]: ['put', offline] } },
    ])
    expect(b.has(pushed.id) && b.has(offline.id)).toBe(true)

    b.socket.batch({
      entries: [
        { kind: 'ack', offset: 1, seq: 1 },
        { kind: 'ack', offset: 2, seq: 2 },
      ],
    })
    expect(b.client.syncState.unconfirmed).toBe(0)
    await vi.advanceTimersByTimeAsync(250)
    expect(await pendingStore.list(BOARD.id)).toEqual([])
    // A new edit is numbered after the restored ones.
    b.store.put([geoShape('later') as never])
    vi.advanceTimersByTime(50)
    expect(b.socket.pushes().map((p) => p.seq)).toEqual([1, 2, 3])
  })

  it('drops what the welcome says is stored, re-sends only the rest, and numbers new pushes after it', async () => {
    const pendingStore = new MemoryPendingStore()
    const locks = memoryLocks()
    const first = geoShape('first')
    const second = geoShape('second')
    // The server stored seq 1 before the page went, but not seq 2.
    await pendingStore.put({
      boardId: BOARD.id,
      clientId: 'keyGone',
      nextSeq: 3,
      pending: [
        { seq: 1, diff: { [first.id]: ['put', first] } },
        { seq: 2, diff: { [second.id]: ['put', second] } },
      ],
      unsent: null,
      savedAt: 1,
    })
    const b = await openPage(pendingStore, locks)
    b.socket.open()
    b.socket.welcome({ settledSeq: 1, offset: 1, document: encodeWelcomeDocument([...INITIAL, first]) })
    expect(b.socket.pushes()).toEqual([{ seq: 2, diff: { [second.id]: ['put', second] } }])
    b.socket.batch({ entries: [{ kind: 'ack', offset: 2, seq: 2 }] })
    expect(b.client.syncState.unconfirmed).toBe(0)
    b.store.put([geoShape('new') as never])
    vi.advanceTimersByTime(50)
    expect(b.socket.pushes().map((p) => p.seq)).toEqual([2, 3])
  })

  it('numbers new pushes after what the server has seen when the kept copy is behind it', async () => {
    const first = geoShape('first')
    // The page pushed seqs 2 and 3 after its last write and went before writing again.
    const behindStore = new MemoryPendingStore()
    await behindStore.put({
      boardId: BOARD.id,
      clientId: 'keyBehind',
      nextSeq: 2,
      pending: [{ seq: 1, diff: { [first.id]: ['put', first] } }],
      unsent: null,
      savedAt: 1,
    })
    const d = await openPage(behindStore, memoryLocks())
    d.socket.open()
    d.socket.welcome({ settledSeq: 3, offset: 3, document: encodeWelcomeDocument([...INITIAL, first]) })
    expect(d.socket.pushes()).toEqual([])
    d.store.put([geoShape('new') as never])
    vi.advanceTimersByTime(50)
    expect(d.socket.pushes().map((p) => p.seq)).toEqual([4])
  })

  it('never lets two open tabs adopt the same record', async () => {
    const pendingStore = new MemoryPendingStore()
    const left: PendingRecord = { boardId: BOARD.id, clientId: 'keyLeft', nextSeq: 2, pending: [], unsent: { 'shape:x': ['remove'] }, savedAt: 1 }
    await pendingStore.put(left)
    const locks = memoryLocks()
    const [one, two] = await Promise.all([
      claimWriter(BOARD.id, pendingStore, locks, freshKey),
      (async () => {
        const claim = claimWriter(BOARD.id, pendingStore, locks, freshKey)
        await vi.advanceTimersByTimeAsync(CLAIM_WAIT_MS)
        return claim
      })(),
    ])
    expect(one.clientId).toBe('keyLeft')
    expect(one.restored).toEqual(left)
    expect(two.clientId).not.toBe('keyLeft')
    expect(two.restored).toBeNull()
    // Nor a record another open tab is writing under its fresh key.
    await pendingStore.put({ boardId: BOARD.id, clientId: two.clientId, nextSeq: 1, pending: [], unsent: { 'shape:y': ['remove'] }, savedAt: 2 })
    const three = claimWriter(BOARD.id, pendingStore, locks, freshKey)
    await vi.advanceTimersByTimeAsync(CLAIM_WAIT_MS)
    expect((await three).restored).toBeNull()

    // Once the tab holding it is gone, the next page takes it over.
    one.release()
    const four = await claimWriter(BOARD.id, pendingStore, locks, freshKey)
    expect(four.clientId).toBe('keyLeft')
  })

  it('adopts a record its lock lets go of within the wait, as after a reload', async () => {
    const pendingStore = new MemoryPendingStore()
    await pendingStore.put({ boardId: BOARD.id, clientId: 'keyReloaded', nextSeq: 2, pending: [], unsent: { 'shape:x': ['remove'] }, savedAt: 1 })
    const locks = memoryLocks()
    const old = await claimWriter(BOARD.id, pendingStore, locks, freshKey)
    const reloaded = claimWriter(BOARD.id, pendingStore, locks, freshKey)
    await vi.advanceTimersByTimeAsync(CLAIM_WAIT_MS / 2)
    old.release()
    expect((await reloaded).clientId).toBe('keyReloaded')
  })
})

describe('PendingKeeper', () => {
  /** A store that counts its writes. */
  function counting() {
    const store = new MemoryPendingStore()
    const writes: string[] = []
    return {
      store,
      writes,
      counted: {
        list: (boardId: string) => store.list(boardId),
        put: (r: PendingRecord) => {
          writes.push(`put ${r.pending.map((p) => p.seq)}`)
          return store.put(r)
        },
        delete: (id: string) => {
          writes.push('delete')
          return store.delete(id)
        },
      } satisfies PendingStore,
    }
  }

  it('writes at most once per interval, at once on flush, and deletes the record when nothing is left', async () => {
    const { counted, writes } = counting()
    let edits = { nextSeq: 1, pending: [] as { seq: number; diff: Record<string, ['remove']> }[], unsent: null }
    const keeper = new PendingKeeper({ store: counted, boardId: BOARD.id, clientId: 'k', read: () => edits, stored: false })
    edits = { nextSeq: 2, pending: [{ seq: 1, diff: { 'shape:a': ['remove'] } }], unsent: null }
    keeper.changed()
    keeper.changed()
    await vi.advanceTimersByTimeAsync(150)
    expect(writes).toEqual([])
    await vi.advanceTimersByTimeAsync(100)
    expect(writes).toEqual(['put 1'])

    edits = { nextSeq: 3, pending: [...edits.pending, { seq: 2, diff: { 'shape:b': ['remove'] } }], unsent: null }
    keeper.changed()
    await keeper.flush()
    expect(writes).toEqual(['put 1', 'put 1,2'])

    edits = { nextSeq: 3, pending: [], unsent: null }
    keeper.changed()
    await vi.advanceTimersByTimeAsync(250)
    keeper.changed()
    await vi.advanceTimersByTimeAsync(250)
    expect(writes).toEqual(['put 1', 'put 1,2', 'delete'])
    keeper.dispose()
  })

  it('writes nothing for edits confirmed within the interval', async () => {
    const { counted, writes } = counting()
    let edits = { nextSeq: 2, pending: [{ seq: 1, diff: { 'shape:a': ['remove'] as ['remove'] } }], unsent: null }
    const keeper = new PendingKeeper({ store: counted, boardId: BOARD.id, clientId: 'k', read: () => edits, stored: false })
    keeper.changed()
    edits = { nextSeq: 2, pending: [], unsent: null }
    await vi.advanceTimersByTimeAsync(250)
    expect(writes).toEqual([])
    keeper.dispose()
  })
})
