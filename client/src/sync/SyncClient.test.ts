import {
  boardSchema,
  createInitialRecords,
  encodeWelcomeDocument,
  EV,
  OWN_STILL_MS,
  PRESENCE_ID_PREFIX,
  FIRST_PAGE_ID,
  MAX_UNACKED_PUSHES,
  PROTOCOL_VERSION,
  schemaFingerprint,
  type Adjustment,
  type DocDiff,
  type FatalMessage,
  type WelcomeMessage,
  type Refusal,
} from '@opificio/shared'
import { atom } from '@tldraw/state'
import { Store, type RecordId, type UnknownRecord } from '@tldraw/store'
import { InstancePresenceRecordType } from '@tldraw/tlschema'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { arrowBinding, geoShape } from '@opificio/shared/testing'
import { BOARD, FakeSocket } from './fakeSocket.ts'
import { SyncClient, type SyncClientOptions, type SyncState } from './SyncClient.ts'
import { useFakeTimers } from './fakeTimers.ts'

const CLIENT_ID = 'clientAAAA'

type Shape = UnknownRecord & { x: number; y: number; props: Record<string, unknown> }

function setup(opts: Partial<SyncClientOptions> = {}) {
  const store = new Store<UnknownRecord>({ schema: boardSchema as never, props: {} })
  const socket = new FakeSocket()
  const states: SyncState[] = []
  const rejections: Refusal[] = []
  const acks: [number, number][] = []
  const welcomes: WelcomeMessage[] = []
  const client = new SyncClient({
    store,
    socket,
    boardId: BOARD.id,
    clientId: CLIENT_ID,
    pushIntervalMs: 0,
    onState: (s) => states.push(s),
    onRejected: (r) => rejections.push(r),
    onAcknowledged: (seq, offset) => acks.push([seq, offset]),
    onWelcome: (w) => welcomes.push(w),
    ...opts,
  })
  clients.push(client)
  const get = (id: string) => store.get(id as RecordId<UnknownRecord>) as Shape | undefined
  return { store, socket, client, states, rejections, acks, welcomes, get }
}

/** Lets the client's push and presence timers run. */
function tick(ms = 100) {
  vi.advanceTimersByTime(ms)
}

function put(record: UnknownRecord): DocDiff {
  return { [record.id]: ['put', record] }
}

/** A client online on a board holding the initial records plus `extra`, at `offset`. */
function online(extra: UnknownRecord[] = [], offset = 0, opts: Partial<SyncClientOptions> = {}) {
  const t = setup(opts)
  t.socket.open()
  t.socket.welcome({ offset, document: encodeWelcomeDocument([...createInitialRecords('Pagina 1'), ...extra]) })
  tick()
  return t
}

function presence(name: string, x = 0) {
  return InstancePresenceRecordType.create({
    id: InstancePresenceRecordType.createId(name),
    userId: `user:${name}` as never,
    userName: name,
    currentPageId: FIRST_PAGE_ID,
    cursor: { x, y: 0, type: 'default', rotation: 0 },
  }) as unknown as UnknownRecord
}

const clients: SyncClient[] = []

beforeEach(() => {
  useFakeTimers()
})

afterEach(() => {
  for (const c of clients.splice(0)) c.dispose()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('SyncClient', () => {
  it('says hello with no offset on connect, and goes online with the welcomed document', () => {
    const { socket, store, client } = setup()
    expect(socket.hellos()).toEqual([])
    socket.open()
    expect(socket.hellos()).toEqual([
      { protocol: PROTOCOL_VERSION, schema: schemaFingerprint(), boardId: BOARD.id, clientId: CLIENT_ID, lastOffset: null },
    ])
    expect(client.syncState.connection).toBe('connecting')

    const records = [...createInitialRecords('Pagina 1'), geoShape('welcomed')]
    socket.welcome({ offset: 7, document: encodeWelcomeDocument(records) })
    expect(client.syncState.connection).toBe('online')
    expect(client.lastOffset).toBe(7)
    expect(store.serialize('document')).toEqual(Object.fromEntries(records.map((r) => [r.id, r])))
    // Applying the welcome is not a local change: nothing is pushed back.
    tick()
    expect(socket.pushes()).toEqual([])
  })

  it('says hello at once when the socket is already connected', () => {
    const store = new Store<UnknownRecord>({ schema: boardSchema as never, props: {} })
    const socket = new FakeSocket()
    socket.connected = true
    clients.push(new SyncClient({ store, socket, boardId: BOARD.id, clientId: CLIENT_ID }))
    expect(socket.hellos().map((h) => h.lastOffset)).toEqual([null])
  })

  it('pushes a local put and clears it when acknowledged', () => {
    const { socket, store, client, acks, get } = online()
    const shape = geoShape('mine', { x: 10 })
    store.put([shape as never])
    expect(client.syncState.unconfirmed).toBe(1)
    tick()

    expect(socket.pushes()).toEqual([{ seq: 1, diff: { [shape.id]: ['put', shape] } }])
    expect(client.syncState.unconfirmed).toBe(1)

    socket.batch({ entries: [{ kind: 'ack', offset: 1, seq: 1 }] })
    expect(client.syncState.unconfirmed).toBe(0)
    expect(client.lastOffset).toBe(1)
    expect(acks).toEqual([[1, 1]])
    expect(get(shape.id)).toEqual(shape)
    tick()
    expect(socket.pushes()).toHaveLength(1)
  })

  it('numbers successive pushes and pushes a move as a patch of the changed field', () => {
    const { socket, store, get } = online()
    const shape = geoShape('mine')
    store.put([shape as never])
    tick()
    store.put([{ ...get(shape.id)!, x: 42 } as never])
    tick()
    expect(socket.pushes()).toEqual([
      { seq: 1, diff: put(shape) },
      { seq: 2, diff: { [shape.id]: ['patch', { set: { x: 42 } }] } },
    ])
  })

  it('holds changes back while MAX_UNACKED_PUSHES are unacknowledged, and sends them folded into one on the next ack', () => {
    const shape = geoShape('dragged') as Shape
    const { socket, store, client, get } = online([shape])
    for (let x = 1; x <= MAX_UNACKED_PUSHES + 3; x++) {
      store.put([{ ...get(shape.id)!, x } as never])
      tick()
    }
    expect(socket.pushes().map((p) => p.seq)).toEqual(Array.from({ length: MAX_UNACKED_PUSHES }, (_, i) => i + 1))
    // The held moves are still this user's to see, and to keep if the page goes offline.
    expect(get(shape.id)!.x).toBe(MAX_UNACKED_PUSHES + 3)
    expect(client.syncState.unconfirmed).toBe(MAX_UNACKED_PUSHES + 1)

    socket.batch({ entries: [{ kind: 'ack', offset: 1, seq: 1 }] })
    tick()
    expect(socket.pushes().slice(MAX_UNACKED_PUSHES)).toEqual([
      { seq: MAX_UNACKED_PUSHES + 1, diff: { [shape.id]: ['patch', { set: { x: MAX_UNACKED_PUSHES + 3 } }] } },
    ])
    expect(get(shape.id)!.x).toBe(MAX_UNACKED_PUSHES + 3)
  })

  it('pushes a local change in its own task, not when the store next tells its listeners a frame later', () => {
    // As in a browser: the store's listeners run on the next animation frame (16 ms here).
    const forced = globalThis as { __FORCE_RAF_IN_TESTS__?: boolean }
    forced.__FORCE_RAF_IN_TESTS__ = true
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => setTimeout(() => cb(Date.now()), 16))
    try {
      const shape = geoShape('x') as Shape
      const { socket, store, get } = online([shape], 0, { pushIntervalMs: 33 })
      const movedAt = Date.now()
      store.put([{ ...get(shape.id)!, x: 50 } as never])
      tick(0)
      expect(socket.pushes()).toEqual([{ seq: 1, diff: { [shape.id]: ['patch', { set: { x: 50 } }] } }])
      expect(Date.now()).toBe(movedAt)

      // A drag sampled as often as the interval goes out sample by sample, each at once.
      for (const x of [60, 70, 80]) {
        tick(33)
        store.put([{ ...get(shape.id)!, x } as never])
        tick(0)
        expect(socket.pushes().at(-1)?.diff).toEqual({ [shape.id]: ['patch', { set: { x } }] })
      }
    } finally {
      delete forced.__FORCE_RAF_IN_TESTS__
      vi.unstubAllGlobals()
    }
  })

  it('keeps an unacknowledged local move on top of a remote change to the same shape', () => {
    const x = geoShape('x') as Shape
    const { socket, store, client, get } = online([x])
    store.put([{ ...get(x.id)!, x: 50 } as never])
    tick()
    expect(socket.pushes()).toEqual([{ seq: 1, diff: { [x.id]: ['patch', { set: { x: 50 } }] } }])

    socket.batch({
      entries: [{ kind: 'change', offset: 1, diff: { [x.id]: ['patch', { set: { y: 70 }, nested: { props: { set: { color: 'red' } } } }] } }],
    })
    const rebased = get(x.id)!
    expect(rebased.x).toBe(50)
    expect(rebased.y).toBe(70)
    expect(rebased.props.color).toBe('red')
    expect(client.syncState.unconfirmed).toBe(1)
    expect(client.lastOffset).toBe(1)

    socket.batch({ entries: [{ kind: 'ack', offset: 2, seq: 1 }] })
    expect(get(x.id)).toEqual(rebased)
    expect(client.syncState.unconfirmed).toBe(0)
    expect(client.lastOffset).toBe(2)

    // The remote change was never mistaken for a local one.
    tick()
    expect(socket.pushes()).toHaveLength(1)
    expect(store.serialize('document')).toEqual(
      Object.fromEntries([...createInitialRecords('Pagina 1'), { ...x, x: 50, y: 70, props: { ...x.props, color: 'red' } }].map((r) => [r.id, r]))
    )
  })

  it('keeps a local change not yet pushed across a rebase, and pushes it afterwards', () => {
    const x = geoShape('x') as Shape
    const { socket, store, get } = online([x], 0, { pushIntervalMs: 1_000 })
    store.put([{ ...get(x.id)!, x: 50 } as never])
    expect(socket.pushes()).toEqual([])

    socket.batch({ entries: [{ kind: 'change', offset: 1, diff: { [x.id]: ['patch', { set: { y: 70 } }] } }] })
    expect(get(x.id)).toMatchObject({ x: 50, y: 70 })

    tick(1_000)
    expect(socket.pushes()).toEqual([{ seq: 1, diff: { [x.id]: ['patch', { set: { x: 50 } }] } }])
  })

  const INVALID_GEO: Refusal = { code: 'record-invalid', params: { type: 'shape' }, detail: 'invalid geo shape' }
  it.each([
    ['before it entered the log', { kind: 'rejected' as const, seq: 1, refusal: INVALID_GEO }, 0],
    ['by the fold, at an offset', { kind: 'rejected' as const, offset: 1, seq: 1, refusal: INVALID_GEO }, 1],
  ])('rolls back a push rejected %s and reports the reason', (_, entry, lastOffset) => {
    const { socket, store, client, rejections, acks, get } = online()
    const doomed = geoShape('doomed')
    store.put([doomed as never])
    tick()
    expect(get(doomed.id)).toEqual(doomed)

    socket.batch({ entries: [entry] })
    expect(get(doomed.id)).toBeUndefined()
    expect(rejections).toEqual([INVALID_GEO])
    expect(acks).toEqual([])
    expect(client.syncState.unconfirmed).toBe(0)
    expect(client.lastOffset).toBe(lastOffset)
    expect(store.allRecords().filter((r) => r.typeName === 'shape')).toEqual([])
  })

  it('drops a later pending change that only made sense on top of a rejected one', () => {
    const { socket, store, rejections, get } = online()
    const doomed = geoShape('doomed')
    store.put([doomed as never])
    tick()
    store.put([{ ...get(doomed.id)!, x: 99 } as never])
    tick()
    expect(socket.pushes().map((p) => p.seq)).toEqual([1, 2])

    socket.batch({ entries: [{ kind: 'rejected', seq: 1, refusal: { code: 'malformed' } }] })
    expect(get(doomed.id)).toBeUndefined()
    expect(rejections).toEqual([{ code: 'malformed' }])
    // The server drops the patch of a shape it does not have; so does the client.
    socket.batch({ entries: [{ kind: 'ack', offset: 1, seq: 2 }] })
    expect(get(doomed.id)).toBeUndefined()
  })

  it('folds a remote change the way the server does: a rejected one changes nothing', () => {
    const { socket, store, client } = online()
    const before = store.serialize('document')
    socket.batch({ entries: [{ kind: 'change', offset: 1, diff: put(arrowBinding('dangling', 'shape:nothere', 'shape:missing', 'start')) }] })
    expect(store.serialize('document')).toEqual(before)
    expect(client.lastOffset).toBe(1)
    socket.batch({ entries: [{ kind: 'noop', offset: 2 }] })
    expect(client.lastOffset).toBe(2)
    expect(store.serialize('document')).toEqual(before)
  })

  it('keeps the rest of a push whose change to a shape deleted meanwhile was dropped, and says so', () => {
    const adjusted: unknown[] = []
    const { socket, store, get } = online([geoShape('a')], 0, { onAdjusted: (a) => adjusted.push(...a) })
    store.put([{ ...get('shape:a')!, x: 5 } as never, geoShape('b') as never])
    tick()
    socket.batch({ entries: [{ kind: 'change', offset: 1, diff: { 'shape:a': ['remove'] } }] })
    const dropped = [{ id: 'shape:a', what: 'dropped', reason: 'record-removed' }]
    socket.batch({ entries: [{ kind: 'ack', offset: 2, seq: 1, adjusted: dropped as never }] })
    expect(get('shape:a')).toBeUndefined()
    expect(get('shape:b')).toEqual(geoShape('b'))
    expect(adjusted).toEqual(dropped)
  })

  it('holds edits made offline and pushes them after the next welcome', () => {
    const { socket, store, client, get } = online()
    const sent = geoShape('sent')
    store.put([sent as never])
    tick()
    expect(socket.pushes()).toHaveLength(1)

    socket.drop()
    expect(client.syncState.connection).toBe('offline')
    const offline = geoShape('offline', { index: 'a2' })
    store.put([offline as never])
    tick(10_000)
    expect(socket.pushes()).toHaveLength(1)
    expect(get(offline.id)).toEqual(offline)
    expect(client.syncState.unconfirmed).toBe(2)

    socket.open()
    expect(socket.hellos().at(-1)!.lastOffset).toBe(0)
    expect(socket.pushes()).toHaveLength(1)
    // The server had stored the first push before the connection dropped: the entries say so.
    socket.welcome({ offset: 1, entries: [{ kind: 'ack', offset: 1, seq: 1 }], settledSeq: 1 })
    tick()
    expect(client.syncState.connection).toBe('online')
    expect(socket.pushes()).toEqual([
      { seq: 1, diff: put(sent) },
      { seq: 2, diff: put(offline) },
    ])
    expect(get(sent.id)).toEqual(sent)
    expect(get(offline.id)).toEqual(offline)

    socket.batch({ entries: [{ kind: 'ack', offset: 2, seq: 2 }] })
    expect(client.syncState.unconfirmed).toBe(0)
    expect(client.lastOffset).toBe(2)
  })

  it('re-sends an unacknowledged push after reconnecting', () => {
    const { socket, store } = online()
    const shape = geoShape('lost')
    store.put([shape as never])
    tick()
    socket.drop()
    socket.open()
    socket.welcome({ offset: 0, entries: [], settledSeq: 0 })
    tick()
    expect(socket.pushes()).toEqual([
      { seq: 1, diff: put(shape) },
      { seq: 1, diff: put(shape) },
    ])
  })

  it('does not re-send pushes that a whole-document welcome says are settled', () => {
    const { socket, store, client, get } = online()
    const stored = geoShape('stored')
    const notStored = geoShape('notStored', { index: 'a2' })
    store.put([stored as never])
    tick()
    store.put([notStored as never])
    tick()
    expect(socket.pushes().map((p) => p.seq)).toEqual([1, 2])
    socket.drop()

    socket.open()
    // The server has seq 1 (its shape is in the document) but never got seq 2.
    socket.welcome({ offset: 9, document: encodeWelcomeDocument([...createInitialRecords('Pagina 1'), stored]), settledSeq: 1 })
    tick()
    expect(socket.pushes().slice(2)).toEqual([{ seq: 2, diff: put(notStored) }])
    expect(client.syncState.unconfirmed).toBe(1)
    expect(get(stored.id)).toEqual(stored)
    expect(get(notStored.id)).toEqual(notStored)

    socket.batch({ entries: [{ kind: 'ack', offset: 10, seq: 2 }] })
    expect(client.syncState.unconfirmed).toBe(0)
  })

  it('tells what the fold adjusted or refused of pushes a whole-document welcome settles, and only of those', () => {
    const adjusted: Adjustment[] = []
    const { socket, store, rejections } = online([], 0, { onAdjusted: (a) => adjusted.push(...a) })
    for (const name of ['kept', 'refused', 'trimmed']) {
      store.put([geoShape(name) as never])
      tick()
    }
    socket.drop()
    socket.open()
    const dropped: Adjustment = { id: 'shape:gone', what: 'dropped', reason: 'record-removed' }
    socket.welcome({
      offset: 40,
      document: encodeWelcomeDocument(createInitialRecords('Pagina 1')),
      settledSeq: 3,
      told: [
        // Settled and told long ago, by its own ack: not this page's to tell again.
        { kind: 'ack', offset: 5, seq: 7, adjusted: [{ id: 'shape:old', what: 'dropped', reason: 'record-removed' }] },
        { kind: 'rejected', offset: 31, seq: 2, refusal: INVALID_GEO },
        { kind: 'ack', offset: 32, seq: 3, adjusted: [dropped] },
      ],
    })
    expect(rejections).toEqual([INVALID_GEO])
    expect(adjusted).toEqual([dropped])
  })

  it('resyncs from scratch when an entry skips an offset', () => {
    const { socket, client, get } = online()
    expect(client.lastOffset).toBe(0)
    const skipped = geoShape('skipped')
    socket.batch({ entries: [{ kind: 'change', offset: 2, diff: put(skipped) }] })

    expect(socket.calls).toEqual(['disconnect', 'connect'])
    expect(client.lastOffset).toBeNull()
    expect(client.syncState.connection).toBe('offline')
    expect(get(skipped.id)).toBeUndefined()

    socket.open()
    expect(socket.hellos().map((h) => h.lastOffset)).toEqual([null, null])
    socket.welcome({ offset: 2, document: encodeWelcomeDocument([...createInitialRecords('Pagina 1'), skipped]) })
    expect(client.syncState.connection).toBe('online')
    expect(client.lastOffset).toBe(2)
    expect(get(skipped.id)).toEqual(skipped)
  })

  it('applies nothing of a batch that breaks the protocol, and resyncs from scratch', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const { socket, store, client, get } = online()
    const before = store.serialize()
    const valid = geoShape('valid')
    // A well-formed change and presence, in a batch one entry of which no protocol version knows.
    socket.batch({
      entries: [{ kind: 'change', offset: 1, diff: put(valid) }, { kind: 'bogus', offset: 2 } as never],
      presence: { put: [presence('anna')], remove: [] },
    })

    expect(store.serialize()).toEqual(before)
    expect(store.allRecords().filter((r) => r.typeName === 'instance_presence')).toEqual([])
    expect(get(valid.id)).toBeUndefined()
    expect(socket.calls).toEqual(['disconnect', 'connect'])
    expect(client.lastOffset).toBeNull()
    expect(client.syncState.connection).toBe('offline')
    expect(errors.mock.calls).toEqual([
      ['opificio: the server sent a malformed batch; resyncing', 'At shared.entries.1.kind: Expected one of "change" or "noop", got "bogus"'],
    ])

    // Back with nothing: the next welcome brings the whole document.
    socket.open()
    expect(socket.hellos().map((h) => h.lastOffset)).toEqual([null, null])
  })

  it('stops for good on a fatal reload', () => {
    const { socket, store, client } = online()
    const fatal: FatalMessage = { code: 'reload', message: 'Opificio has been updated: reload the page.' }
    socket.fire(EV.fatal, fatal)
    expect(client.syncState.connection).toBe('reload')
    expect(client.syncState.fatalCode).toBe('reload')
    expect(socket.calls).toEqual(['disconnect'])
    expect(socket.connected).toBe(false)

    store.put([geoShape('late') as never])
    tick(10_000)
    socket.open()
    tick(10_000)
    expect(socket.hellos()).toHaveLength(1)
    expect(socket.pushes()).toEqual([])
    expect(client.syncState.connection).toBe('reload')
  })

  it('shows remote presence from the welcome and batches, and drops it on disconnect', () => {
    const anna = presence('anna')
    const bruno = presence('bruno')
    const t = setup()
    t.socket.open()
    t.socket.welcome({ offset: 0, document: encodeWelcomeDocument(createInitialRecords('Pagina 1')), presence: [anna] })
    const presences = () => t.store.allRecords().filter((r) => r.typeName === 'instance_presence')
    expect(presences()).toEqual([anna])

    t.socket.batch({ presence: { put: [bruno], remove: [] } })
    expect(
      presences()
        .map((r) => r.id)
        .sort()
    ).toEqual([anna.id, bruno.id].sort())

    const annaMoved = presence('anna', 300)
    t.socket.batch({ presence: { put: [annaMoved], remove: [bruno.id] } })
    expect(presences()).toEqual([annaMoved])

    t.socket.batch({ presence: { put: [bruno], remove: [] } })
    t.socket.drop()
    expect(presences()).toEqual([])

    // Presence is never part of the document: nothing of it was pushed.
    tick()
    expect(t.socket.pushes()).toEqual([])
  })

  it('moves a cursor it has by its patch, and skips a patch to a record it never got', () => {
    const anna = presence('anna')
    const t = setup()
    t.socket.open()
    t.socket.welcome({ offset: 0, document: encodeWelcomeDocument(createInitialRecords('Pagina 1')), presence: [anna] })
    const presences = () => t.store.allRecords().filter((r) => r.typeName === 'instance_presence')
    const cursor = { x: 42, y: 7, type: 'default', rotation: 0 }
    t.socket.batch({
      presence: {
        put: [],
        remove: [],
        changed: [
          { id: anna.id, patch: { set: { cursor } } },
          { id: presence('bruno').id, patch: { set: { cursor } } },
        ],
      },
    })
    expect(presences()).toEqual([{ ...anna, cursor }])
  })

  it('moves a cursor by its move, and skips a move of a record it never got', () => {
    const anna = presence('anna')
    const t = setup()
    t.socket.open()
    t.socket.welcome({ offset: 0, document: encodeWelcomeDocument(createInitialRecords('Pagina 1')), presence: [anna] })
    const presences = () => t.store.allRecords().filter((r) => r.typeName === 'instance_presence')
    const suffix = (id: string) => id.slice(PRESENCE_ID_PREFIX.length)
    t.socket.batch({ presence: { put: [], remove: [], moved: [suffix(anna.id), 42, 7, 1234, suffix(presence('bruno').id), 1, 1, 1] } })
    expect(presences()).toEqual([{ ...anna, cursor: { x: 42, y: 7, type: 'default', rotation: 0 }, lastActivityTimestamp: 1234 }])
  })

  it('leaves out its own presence, which batches carry with everyone else’s', () => {
    const t = setup()
    t.socket.open()
    const mine = { ...presence('me'), id: 'instance_presence:mine' } as UnknownRecord
    t.socket.welcome({ offset: 0, document: encodeWelcomeDocument(createInitialRecords('Pagina 1')), presence: [mine], presenceId: mine.id })
    const presences = () => t.store.allRecords().filter((r) => r.typeName === 'instance_presence')
    expect(presences()).toEqual([])
    const anna = presence('anna')
    t.socket.batch({ presence: { put: [mine, anna], remove: [] } })
    expect(presences()).toEqual([anna])
  })

  it('sends its own presence whole once welcomed, then its cursor’s moves, and whole when more changes', () => {
    const mine = atom<UnknownRecord | null>('presence', presence('me'))
    const { socket } = online([], 0, { presence: mine, presenceIntervalMs: 50 })
    expect(socket.of(EV.presence)).toEqual([{ record: presence('me') }])
    mine.set(presence('me', 120))
    tick()
    const renamed = { ...presence('me', 120), userName: 'Me' }
    mine.set(renamed)
    tick()
    expect(socket.of(EV.presence)).toEqual([{ record: presence('me') }, { move: [120, 0, null] }, { record: renamed }])
  })

  it('sends its presence whole once the cursor has stood still after moving', () => {
    const mine = atom<UnknownRecord | null>('presence', presence('me'))
    const { socket } = online([], 0, { presence: mine, presenceIntervalMs: 50 })
    mine.set(presence('me', 10))
    tick(OWN_STILL_MS - 1)
    expect(socket.of(EV.presence)).toEqual([{ record: presence('me') }, { move: [10, 0, null] }])
    tick(1)
    expect(socket.of(EV.presence)).toEqual([{ record: presence('me') }, { move: [10, 0, null] }, { record: presence('me', 10) }])
    tick(5_000)
    expect(socket.of(EV.presence)).toHaveLength(3)
  })

  it('sends its presence whole again to the server it reconnects to', () => {
    const mine = atom<UnknownRecord | null>('presence', presence('me'))
    const { socket } = online([], 0, { presence: mine, presenceIntervalMs: 50 })
    mine.set(presence('me', 10))
    tick()
    socket.drop()
    // Only the cursor moved meanwhile, but the new session has nothing of this page's to move.
    mine.set(presence('me', 20))
    socket.open()
    socket.welcome({ offset: 0, document: encodeWelcomeDocument(createInitialRecords('Pagina 1')) })
    tick()
    expect(socket.of(EV.presence)).toEqual([{ record: presence('me') }, { move: [10, 0, null] }, { record: presence('me', 20) }])
  })

  it('re-sends pending pushes while saving is paused, and stops when it resumes', () => {
    const { socket, store, client } = online([], 0, { resendWhilePausedMs: 1_000 })
    const shape = geoShape('waiting')
    store.put([shape as never])
    tick()
    socket.fire(EV.saving, { paused: true })
    expect(client.syncState.savingPaused).toBe(true)
    tick(1_000)
    tick(1_000)
    expect(socket.pushes()).toEqual([1, 2, 3].map(() => ({ seq: 1, diff: put(shape) })))

    socket.fire(EV.saving, { paused: false })
    expect(client.syncState.savingPaused).toBe(false)
    tick(5_000)
    // Once more on resuming, then no more.
    expect(socket.pushes()).toHaveLength(4)
  })

  it('sends what is still unconfirmed once more when saving resumes, for a server that resumed without its re-send', () => {
    const { socket, store, client } = online([], 0, { resendWhilePausedMs: 60_000 })
    const first = geoShape('first')
    const second = geoShape('second')
    store.put([first as never])
    tick()
    socket.fire(EV.saving, { paused: true })
    store.put([second as never])
    tick()
    // The server dropped seq 2 behind seq 1, then found seq 1 stored and resumed.
    socket.fire(EV.saving, { paused: false })
    expect(client.syncState.savingPaused).toBe(false)
    expect(socket.pushes().slice(-2)).toEqual([
      { seq: 1, diff: put(first) },
      { seq: 2, diff: put(second) },
    ])
  })
})

describe('SyncClient where store listeners run on the next frame, as in a browser', () => {
  beforeEach(() => {
    // Under NODE_ENV=test tldraw reports store changes synchronously; a browser reports them on
    // the next animation frame. These make it do here what it does there.
    vi.stubGlobal('__FORCE_RAF_IN_TESTS__', true)
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => setTimeout(cb, 16))
    vi.stubGlobal('cancelAnimationFrame', (id: ReturnType<typeof setTimeout>) => clearTimeout(id))
  })

  afterEach(() => {
    // Let every queued frame run before the timers go, so tldraw's frame scheduler is left idle.
    vi.advanceTimersByTime(1_000)
    vi.unstubAllGlobals()
  })

  it('keeps a remote change that arrives between a local change and the frame that reports it', () => {
    const x = geoShape('x') as Shape
    const { socket, store, get } = online([x])
    tick()

    store.put([{ ...get(x.id)!, x: 50 } as never])
    // Before the next frame, another user's colour change of the same shape arrives.
    socket.batch({ entries: [{ kind: 'change', offset: 1, diff: { [x.id]: ['patch', { nested: { props: { set: { color: 'red' } } } }] } }] })
    tick()
    expect(socket.pushes()).toEqual([{ seq: 1, diff: { [x.id]: ['patch', { set: { x: 50 } }] } }])
    expect(get(x.id)).toMatchObject({ x: 50, props: { color: 'red' } })

    // The server folded red at 1 and the move at 2: so must this client.
    socket.batch({ entries: [{ kind: 'ack', offset: 2, seq: 1 }] })
    tick()
    expect(get(x.id)).toMatchObject({ x: 50, props: { color: 'red' } })
  })
})
