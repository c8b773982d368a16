import { randomUUID } from 'node:crypto'
import {
  TEMPLATE_RECORD_ID,
  EV,
  FIRST_PAGE_ID,
  type BatchFrame,
  type BatchMessage,
  readBatch,
  readMoves,
  type BoardMeta,
  type Role,
  type DocDiff,
  type FatalMessage,
  type WelcomeMessage,
  type WireEntry,
  welcomeRecords,
} from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { TLDOCUMENT_ID } from '@tldraw/tlschema'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { geoShape, presenceRecord } from '@opificio/shared/testing'
import { createBoard } from '../../boards/boardService.ts'
import { MemoryStorage } from '../../storage/memory/memoryStorage.ts'
import type { LogEntry, StorageEngine } from '../../storage/types.ts'
import { InboundLimits } from '../../limits/inboundLimits.ts'
import { silentLogger } from '../../observability/logger.ts'
import { receiveOnBoard } from '../transport/transport.ts'
import { recordChecks } from './recordChecks.ts'
import { editPace, presencePace, Room, type RoomOptions } from './room.ts'
import type { RoomSocket, Session } from './session.ts'

interface Emitted {
  event: string
  payload: unknown
  volatile: boolean
  /** performance.now() when it was sent. */
  at: number
}

/** A socket that only records what the room does to it. */
class FakeSocket implements RoomSocket {
  readonly id = randomUUID()
  readonly emitted: Emitted[] = []
  readonly disconnects: (boolean | undefined)[] = []
  readonly volatile = {
    emit: (event: string, payload: unknown) => {
      this.emitted.push({ event, payload, volatile: true, at: performance.now() })
      return true
    },
  }

  emit(event: string, payload: unknown) {
    this.emitted.push({ event, payload, volatile: false, at: performance.now() })
    return true
  }

  disconnect(close?: boolean) {
    this.disconnects.push(close)
    return this
  }

  of(event: string) {
    return this.emitted.filter((e) => e.event === event)
  }

  welcome(): WelcomeMessage {
    const welcomes = this.of(EV.welcome)
    expect(welcomes).toHaveLength(1)
    return welcomes[0].payload as WelcomeMessage
  }

  /** The batches as the client reads them, leaving out its own presence. */
  batches(): BatchMessage[] {
    const presenceId = (this.of(EV.welcome).at(-1)?.payload as WelcomeMessage | undefined)?.presenceId ?? null
    return this.of(EV.batch).map((e) => readBatch(e.payload as BatchFrame, presenceId))
  }

  /** Every document entry received in batches, in the order received. */
  entries(): WireEntry[] {
    return this.batches().flatMap((b) => b.entries ?? [])
  }

  presenceUpdates() {
    return this.batches().flatMap((b) => (b.presence ? [b.presence] : []))
  }
}

/** Waits for a condition, on the real clock (performance is never faked here; Date may be). */
async function until(check: () => boolean, what: string, ms = 5_000) {
  const start = performance.now()
  while (!check()) {
    if (performance.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 2))
  }
}

const cleanups: (() => Promise<void> | void)[] = []

afterEach(async () => {
  vi.useRealTimers()
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function openRoom(opts: RoomOptions = {}) {
  const storage = new MemoryStorage()
  cleanups.push(() => storage.close())
  const created = await createBoard(storage, 'Tavolo di prova', 'http://localhost')
  const meta: BoardMeta = { id: created.id, title: created.title, createdAt: created.createdAt }
  const room = await Room.load(meta, storage, { tickMs: 1, logger: silentLogger, ...opts })
  cleanups.push(() => room.close())
  return { room, storage, meta }
}

/** The board loaded again from storage, once the repair its load appends has reached `offset`. */
async function reopenRepaired(meta: BoardMeta, storage: StorageEngine, offset: number) {
  const reopened = await Room.load(meta, storage, { tickMs: 1, logger: silentLogger })
  cleanups.push(() => reopened.close())
  await until(() => reopened.offset === offset, 'the repair entry')
  return reopened
}

function enter(room: Room, clientId: string, lastOffset: number | null = null, role: Role = 'participant') {
  const socket = new FakeSocket()
  const session = room.join(socket, { writerId: clientId, voterKey: clientId }, lastOffset, role)
  return { socket, session }
}

/** A raw message as a connection on this board receives it: through the transport's inbound table. */
function deliver(room: Room, session: Session, event: 'push' | 'presence', raw: unknown) {
  const message = event === 'presence' ? { record: raw } : raw
  return receiveOnBoard({ room, session }, event, message, (fatal) => session.socket.emit('fatal', fatal))
}

/** `storage` with some of its methods replaced: the rest are its own. */
function steered(storage: MemoryStorage, over: Partial<StorageEngine>): StorageEngine {
  return new Proxy(storage, {
    get(target, key: string, receiver) {
      if (key in over) return over[key as keyof StorageEngine]
      const value = Reflect.get(target, key, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  }) as unknown as StorageEngine
}

/** A room over a memory storage with some of its methods replaced: `over` is given the storage itself. */
async function openSteeredRoom(over: (storage: MemoryStorage) => Partial<StorageEngine>) {
  const storage = new MemoryStorage()
  cleanups.push(() => storage.close())
  const created = await createBoard(storage, 'Tavolo', 'http://localhost')
  const meta: BoardMeta = { id: created.id, title: created.title, createdAt: created.createdAt }
  const room = await Room.load(meta, steered(storage, over(storage)), { tickMs: 1, logger: silentLogger })
  cleanups.push(() => room.close())
  return room
}

const A = 'clientAAAA'
const B = 'clientBBBB'
const C = 'clientCCCC'
const D = 'clientDDDD'

function put(record: UnknownRecord): DocDiff {
  return { [record.id]: ['put', record] }
}

/**
 * Proves that everything the room had to send `watcher` before now has been sent: a change pushed
 * by a session of its own is folded after whatever came before it, and batches go out in order.
 * Resolves with the entry `watcher` was sent for it, once it arrived. Once per room (its seq is 1).
 */
async function sentinel(room: Room, watcher: FakeSocket): Promise<WireEntry> {
  const { session } = enter(room, 'clientSENTINEL')
  const diff = put(geoShape('sentinel'))
  // Resolves once storage has the entry, and storage hands the room an entry before that.
  await deliver(room, session, 'push', { seq: 1, diff })
  const entry: WireEntry = { kind: 'change', offset: room.offset, diff }
  room.leave(session)
  await until(() => watcher.entries().some((e) => e.offset === entry.offset), 'the sentinel change')
  return entry
}

describe('Room', () => {
  it('welcomes a new client with the whole document at offset 0', async () => {
    const { room, meta } = await openRoom()
    const { socket } = enter(room, A)
    const welcome = socket.welcome()
    expect(welcome.offset).toBe(0)
    expect(welcome.entries).toBeUndefined()
    expect(welcome.settledSeq).toBe(0)
    expect(welcome.board).toEqual(meta)
    expect(welcome.role).toBe('participant')
    expect(welcome.presence).toEqual([])
    const ids = welcomeRecords(welcome)!
      .map((r) => r.id)
      .sort()
    expect(ids).toEqual([TLDOCUMENT_ID, FIRST_PAGE_ID, TEMPLATE_RECORD_ID].sort())
    expect(welcomeRecords(welcome)).toEqual(room.documentRecords)
  })

  it("sends a flush's shared part to every session without pushes in it in one fan-out, each writer its ack with it", async () => {
    const fanOuts: { sockets: RoomSocket[]; frame: BatchFrame }[] = []
    const { room } = await openRoom({
      fanOut: (sockets, frame) => {
        fanOuts.push({ sockets, frame })
        for (const s of sockets) s.emit(EV.batch, frame)
      },
    })
    const [a, b, c] = [A, B, C].map((id) => enter(room, id))
    await deliver(room, a.session, 'push', { seq: 1, diff: put(geoShape('a')) })
    await until(() => [a, b, c].every((x) => x.socket.entries().length > 0), 'the batches')
    const [fa, fb, fc] = [a, b, c].map((x) => x.socket.of(EV.batch)[0].payload as BatchFrame)
    expect(fanOuts.map((f) => f.sockets)).toEqual([[a.socket], [b.socket, c.socket]])
    expect(fb).toBe(fc)
    expect(fa.shared).toEqual(fb.shared)
    expect(fa.own).toEqual([{ kind: 'ack', offset: 1, seq: 1 }])
    expect(fb.own).toBeUndefined()
  })

  it("acks a push as soon as it is stored, while the others' copy waits for the room's tick", async () => {
    const { room } = await openRoom({ tickMs: 1000 })
    const a = enter(room, A)
    const b = enter(room, B)
    await deliver(room, a.session, 'push', { seq: 1, diff: put(geoShape('one')) })
    await until(() => b.socket.entries().length === 1, 'the first flush, at once')
    const sent = performance.now()
    await deliver(room, a.session, 'push', { seq: 2, diff: put(geoShape('two')) })
    await until(() => a.socket.entries().length === 2, 'the second ack')
    expect(performance.now() - sent).toBeLessThan(500)
    expect(b.socket.entries()).toHaveLength(1)
    await until(() => b.socket.entries().length === 2, 'the second change, at the tick')
    expect(performance.now() - sent).toBeGreaterThanOrEqual(900)
    // Nothing twice, nothing missing, in order.
    expect(a.socket.entries().map((e) => [e.kind, e.offset])).toEqual([
      ['ack', 1],
      ['ack', 2],
    ])
    expect(b.socket.entries().map((e) => [e.kind, e.offset])).toEqual([
      ['change', 1],
      ['change', 2],
    ])
  })

  it('sends a writer acked ahead of a flush only the rest of it', async () => {
    const { room } = await openRoom({ tickMs: 200 })
    const a = enter(room, A)
    const b = enter(room, B)
    await deliver(room, a.session, 'push', { seq: 1, diff: put(geoShape('one')) })
    await until(() => a.socket.entries().length === 1 && b.socket.entries().length === 1, 'the first flush')
    // B's change is folded first, A's after it: A's ack brings B's change along; the flush then brings A nothing more.
    await deliver(room, b.session, 'push', { seq: 1, diff: put(geoShape('two')) })
    await until(() => b.socket.entries().length === 2, "B's ack")
    await deliver(room, a.session, 'push', { seq: 2, diff: put(geoShape('three')) })
    await until(() => a.socket.entries().length === 3, "A's ack")
    await until(() => b.socket.entries().length === 3, "A's change at B, at the tick")
    await new Promise((r) => setTimeout(r, 250))
    expect(a.socket.entries().map((e) => [e.kind, e.offset])).toEqual([
      ['ack', 1],
      ['change', 2],
      ['ack', 3],
    ])
    expect(b.socket.entries().map((e) => [e.kind, e.offset])).toEqual([
      ['change', 1],
      ['ack', 2],
      ['change', 3],
    ])
  })

  it('never sends a session joining before a flush the entries its welcome already had', async () => {
    const { room } = await openRoom({ tickMs: 40 })
    const a = enter(room, A)
    await deliver(room, a.session, 'push', { seq: 1, diff: put(geoShape('one')) })
    await until(() => a.socket.entries().length === 1, 'the first ack')
    // The second entry is folded at once, its flush waits for the tick: C joins in between.
    await deliver(room, a.session, 'push', { seq: 2, diff: put(geoShape('two')) })
    const c = enter(room, C)
    expect(c.socket.welcome().offset).toBe(2)
    await deliver(room, a.session, 'push', { seq: 3, diff: put(geoShape('three')) })
    await until(() => a.socket.entries().length === 3 && c.socket.entries().length > 0, 'the acks, and the flush')
    expect(c.socket.entries().map((e) => e.offset)).toEqual([3])
  })

  it('holds presence alone to the room’s pace, and an edit takes it along at the next tick', async () => {
    const { room } = await openRoom({ tickMs: 1 })
    const a = enter(room, A)
    const b = enter(room, B)
    const frames = () => b.socket.of(EV.batch)
    deliver(room, a.session, 'presence', presenceRecord('anna'))
    await until(() => frames().length === 1, 'the first cursor, at once')
    deliver(room, a.session, 'presence', { ...presenceRecord('anna'), cursor: { x: 5, y: 5, type: 'default', rotation: 0 } })
    await until(() => frames().length === 2, 'the second cursor')
    // (A timer may fire a millisecond early by this clock.)
    expect(frames()[1].at - frames()[0].at).toBeGreaterThanOrEqual(presencePace(2) - 2)

    deliver(room, a.session, 'presence', { ...presenceRecord('anna'), cursor: { x: 9, y: 9, type: 'default', rotation: 0 } })
    const edit = performance.now()
    await deliver(room, a.session, 'push', { seq: 1, diff: put(geoShape('a')) })
    await until(() => frames().length === 3, 'the edit')
    expect(frames()[2].at - edit).toBeLessThan(presencePace(2))
    const [last] = b.socket.batches().slice(-1)
    expect(last.entries).toHaveLength(1)
    // Sent whole once, then only where it moved.
    expect(last.presence?.put).toEqual([])
    expect([...readMoves(last.presence?.moved ?? [])].map(({ x, y }) => ({ x, y }))).toEqual([{ x: 9, y: 9 }])
  })

  it('acknowledges a valid push to its sender and relays its diff to the others', async () => {
    const { room } = await openRoom()
    const a = enter(room, A)
    const b = enter(room, B)
    const shape = geoShape('a', { x: 30 })
    const diff = put(shape)

    await deliver(room, a.session, 'push', { seq: 1, diff })
    await until(() => a.socket.entries().length > 0 && b.socket.entries().length > 0, 'both batches')

    expect(a.socket.entries()).toEqual([{ kind: 'ack', offset: 1, seq: 1 }])
    expect(b.socket.entries()).toEqual([{ kind: 'change', offset: 1, diff: diff }])
    expect(room.offset).toBe(1)
    expect(room.documentRecords.find((r) => r.id === shape.id)).toEqual(shape)
    // Document entries are never sent volatile: they must not be dropped.
    expect(a.socket.of(EV.batch).every((e) => !e.volatile)).toBe(true)
    expect(b.socket.of(EV.batch).every((e) => !e.volatile)).toBe(true)
  })

  it('answers an invalid push to its sender only, without an offset, and keeps the connection', async () => {
    const { room } = await openRoom()
    const a = enter(room, A)
    const b = enter(room, B)
    const before = room.documentRecords

    await deliver(room, a.session, 'push', { seq: 1, diff: put(geoShape('bad', {}, { geo: 'blob' })) })
    await until(() => a.socket.entries().length > 0, 'the rejection')

    const [entry, ...rest] = a.socket.entries()
    expect(rest).toEqual([])
    expect(entry).toEqual({
      kind: 'rejected',
      seq: 1,
      refusal: { code: 'record-invalid', params: { type: 'shape' }, detail: expect.stringContaining('geo') },
    })
    // The room flushes every session at once: had B been sent anything, it would be here now.
    expect(b.socket.batches()).toEqual([])
    expect(room.offset).toBe(0)
    expect(room.documentRecords).toEqual(before)
    expect(a.socket.disconnects).toEqual([])
    expect(a.socket.of(EV.fatal)).toEqual([])

    // The same connection goes on working.
    const good = geoShape('good')
    await deliver(room, a.session, 'push', { seq: 2, diff: put(good) })
    await until(() => b.socket.entries().length > 0, 'the next entry')
    expect(b.socket.entries()).toEqual([{ kind: 'change', offset: 1, diff: put(good) }])
    expect(a.socket.entries().at(-1)).toEqual({ kind: 'ack', offset: 1, seq: 2 })
  })

  it('answers a push that is not a push at all with a fatal bad-request', async () => {
    const { room } = await openRoom()
    const a = enter(room, A)
    await deliver(room, a.session, 'push', { seq: -1, diff: {} })
    await deliver(room, a.session, 'push', 'nonsense')
    const fatals = a.socket.of(EV.fatal).map((e) => e.payload as FatalMessage)
    expect(fatals.map((f) => f.code)).toEqual(['bad-request', 'bad-request'])
    // Neither was stored nor answered: the next entry anyone pushes is the first of the log.
    const next = await sentinel(room, a.socket)
    expect(next.offset).toBe(1)
    expect(a.socket.batches()).toEqual([{ entries: [next] }])
  })

  it('logs a push whose fold is rejected as a no-op: reason to the sender, bare offset to the others', async () => {
    const { room, storage, meta } = await openRoom()
    // Removing a page is a facilitator's.
    const a = enter(room, A, null, 'facilitator')
    const b = enter(room, B)
    const before = room.documentRecords
    // Valid on its own, but not on this board: it would leave the board without a page.
    await deliver(room, a.session, 'push', { seq: 1, diff: { [FIRST_PAGE_ID]: ['remove'] } })
    await until(() => a.socket.entries().length > 0 && b.socket.entries().length > 0, 'both batches')

    const [own] = a.socket.entries()
    expect(a.socket.entries()).toHaveLength(1)
    expect(own).toEqual({ kind: 'rejected', offset: 1, seq: 1, refusal: { code: 'last-page', detail: expect.stringContaining('at least one page') } })
    expect(b.socket.entries()).toEqual([{ kind: 'noop', offset: 1 }])
    expect(room.offset).toBe(1)
    expect(room.documentRecords).toEqual(before)
    expect((await storage.load(meta.id)).entries.map((e) => [e.offset, e.clientId, e.seq])).toEqual([[1, A, 1]])

    // A later client catching up from entries sees the same no-op.
    const c = enter(room, C, 0)
    expect(c.socket.welcome().entries).toEqual([{ kind: 'noop', offset: 1 }])
  })

  it('keeps pushes over the rate limit for the re-send, in order, and tells the client to slow down', async () => {
    // The buckets read Date.now: frozen, they refill only when the test moves the clock.
    vi.useFakeTimers({ toFake: ['Date'] })
    const { room } = await openRoom()
    const limits = new InboundLimits({ pushesPerConnection: { perSecond: 20, burst: 3 } }).connect('198.51.100.1')!
    const socket = new FakeSocket()
    const a = room.join(socket, { writerId: A, voterKey: A }, null, 'participant', limits)
    const diffs = [1, 2, 3, 4, 5, 6].map((n) => put(geoShape(`r${n}`)))
    const sendAll = (from: number) => Promise.all(diffs.slice(from - 1).map((diff, i) => deliver(room, a, 'push', { seq: from + i, diff })))

    await sendAll(1)
    await until(() => socket.entries().length === 3, 'three acknowledgements')
    expect(socket.of(EV.saving).map((e) => e.payload)).toEqual([{ paused: true, reason: 'slow-down' }])
    // What the client does while paused: every unacknowledged push again, a moment later
    // (200 ms at 20 a second: the bucket is full again, three tokens).
    vi.advanceTimersByTime(200)
    await sendAll(4)
    await until(() => socket.entries().length === 6, 'all six acknowledged')
    expect(socket.entries().map((e) => [e.kind, e.kind === 'ack' && e.seq])).toEqual([1, 2, 3, 4, 5, 6].map((s) => ['ack', s]))
    expect(socket.of(EV.saving).at(-1)!.payload).toEqual({ paused: false })
    expect(room.offset).toBe(6)
  })

  it('tells the author of a push what the fold adjusted, and the others only the entry', async () => {
    const { room } = await openRoom()
    const a = enter(room, A)
    const b = enter(room, B)
    const diff: DocDiff = { ...put(geoShape('kept')), 'shape:gone': ['patch', { set: { x: 1 } }] }

    await deliver(room, a.session, 'push', { seq: 1, diff })
    await until(() => a.socket.entries().length > 0 && b.socket.entries().length > 0, 'both batches')

    expect(a.socket.entries()).toEqual([
      { kind: 'ack', offset: 1, seq: 1, adjusted: [{ id: 'shape:gone', what: 'dropped', reason: 'record-removed' }] },
    ])
    expect(b.socket.entries()).toEqual([{ kind: 'change', offset: 1, diff: diff }])
    expect(room.documentRecords.map((r) => r.id)).toContain('shape:kept')
  })

  it('removes, through its log, what an older server let in and would break every browser', async () => {
    const { room, storage, meta } = await openRoom()
    room.close()
    // Written straight to storage, as a server before today's checks would have let them in.
    const poison = geoShape('poison', {}, { richText: { type: 'doc', content: [{ type: 'blink', text: 'x' }] } })
    const nested: DocDiff = {}
    let parent = 'page:page'
    for (let i = 0; i < 70; i++) {
      // Frames: a group left with one child or none is dissolved by the fold, as tldraw does.
      const group = geoShape(`g${i}`, { type: 'frame', parentId: parent, props: { w: 100, h: 100, name: '', color: 'black' } })
      nested[group.id] = ['put', group]
      parent = group.id
    }
    await storage.append(meta.id, { clientId: B, seq: 1, diff: put(geoShape('fine')) })
    const { snapshot } = await storage.load(meta.id)
    const records = [...snapshot.records, geoShape('fine'), poison, ...Object.values(nested).map((op) => op[1] as UnknownRecord)]
    await storage.compact(meta.id, { ...snapshot, offset: 1, records, clientSeqs: { [B]: 1 } })

    const reopened = await reopenRepaired(meta, storage, 2)
    const ids = reopened.documentRecords.map((r) => r.id)
    expect(ids).toContain('shape:fine')
    expect(ids).not.toContain('shape:poison')
    expect(ids).toContain('shape:g63')
    expect(ids).not.toContain('shape:g64')
    expect(ids).not.toContain('shape:g69')
    const { entries } = await storage.load(meta.id)
    expect(entries.at(-1)!.clientId).toBe('server:repair')
  })

  it('stamps a compaction with its checks only while every record has passed them, and a load checks the rest', async () => {
    const { room, storage, meta } = await openRoom()
    const { session } = enter(room, A)
    await deliver(room, session, 'push', { seq: 1, diff: put(geoShape('mine')) })
    await until(() => room.offset === 1, 'the push folded')
    await room.compactTail()
    expect((await storage.readSnapshot(meta.id, 1))?.checkedBy).toBe(recordChecks())

    // Another node, of a build that let it in, wrote this: its checks are not this room's.
    const poison = geoShape('poison', {}, { richText: { type: 'doc', content: [{ type: 'blink', text: 'x' }] } })
    await storage.append(meta.id, { clientId: B, seq: 1, diff: put(poison) })
    await until(() => room.offset === 2, 'the foreign entry folded')
    await room.compactTail()
    const unstamped = await storage.readSnapshot(meta.id, 2)
    expect(unstamped?.records.map((r) => r.id)).toContain('shape:poison')
    expect(unstamped?.checkedBy).toBeUndefined()
    room.close()

    const reopened = await reopenRepaired(meta, storage, 3)
    expect(reopened.documentRecords.map((r) => r.id)).not.toContain('shape:poison')
    expect(reopened.documentRecords.map((r) => r.id)).toContain('shape:mine')
  })

  it('checks at load only what the log changed after a snapshot stamped with its own checks', async () => {
    const { room, storage, meta } = await openRoom()
    room.close()
    const rich = (id: string) => geoShape(id, {}, { richText: { type: 'doc', content: [{ type: 'blink', text: 'x' }] } })
    await storage.append(meta.id, { clientId: B, seq: 1, diff: put(geoShape('fine')) })
    const { snapshot } = await storage.load(meta.id)
    // The stamp says this build's checks passed every record: a load takes it at its word.
    const records = [...snapshot.records, geoShape('fine'), rich('trusted')]
    await storage.compact(meta.id, { ...snapshot, offset: 1, records, clientSeqs: { [B]: 1 }, checkedBy: recordChecks() })
    await storage.append(meta.id, { clientId: B, seq: 2, diff: put(rich('after')) })

    const reopened = await reopenRepaired(meta, storage, 3)
    const ids = reopened.documentRecords.map((r) => r.id)
    expect(ids).toContain('shape:trusted')
    expect(ids).not.toContain('shape:after')
  })

  it('keeps an edited board as automatic history: a snapshot once edits have waited autoSnapshotMs, none while idle', async () => {
    const { room, storage, meta } = await openRoom({ autoSnapshotMs: 60 })
    const { session } = enter(room, A)
    await deliver(room, session, 'push', { seq: 1, diff: put(geoShape('one')) })
    await until(() => room.offset === 1, 'the edit folded')
    expect((await storage.listSnapshots(meta.id)).map((s) => s.offset)).toEqual([0])
    await new Promise((r) => setTimeout(r, 200))
    expect((await storage.listSnapshots(meta.id)).map((s) => s.offset)).toEqual([0, 1])
    // Nothing edited since: no more snapshots however long it waits.
    await new Promise((r) => setTimeout(r, 200))
    expect((await storage.listSnapshots(meta.id)).map((s) => s.offset)).toEqual([0, 1])
    expect((await storage.readSnapshot(meta.id, 1))?.records.some((r) => r.id === 'shape:one')).toBe(true)
  })

  it('compacts once the pushes since the last snapshot weigh more than half the board, however few they are', async () => {
    const { room, storage, meta } = await openRoom()
    const { session } = enter(room, A)
    for (let seq = 1; seq <= 3; seq++) {
      await deliver(room, session, 'push', { seq, diff: put(geoShape(`big${seq}`, { meta: { note: 'x'.repeat(400_000) } })) })
    }
    await until(() => room.offset === 3, 'the pushes folded')
    const offsets = async () => (await storage.listSnapshots(meta.id)).map((s) => s.offset)
    const start = performance.now()
    while (!(await offsets()).includes(3) && performance.now() - start < 5000) await new Promise((r) => setTimeout(r, 5))
    // Three entries, far from the 500 between compactions, but 1.2 MB of them.
    expect(await offsets()).toEqual([0, 3])
  })

  it('resumes saving when a push it could not confirm turns out stored (the storage kept it, its answer was lost)', async () => {
    // Redis gone mid-reply: the entry is in the log, the append throws, and this node's tail
    // brings the entry only later.
    let loseReplyTo: number | null = null
    let held: LogEntry[] = []
    let release: (entries: LogEntry[]) => void = () => undefined
    const room = await openSteeredRoom((storage) => ({
      appendAll: async (id, pushes) => {
        const results = await storage.appendAll(id, pushes)
        if (!pushes.some((push) => push.seq === loseReplyTo)) return results
        loseReplyTo = null
        throw new Error('connection lost before the reply')
      },
      subscribe: (id, after, onEntries) => {
        release = onEntries
        return storage.subscribe(id, after, (entries) => (loseReplyTo === null && held.length === 0 ? onEntries(entries) : held.push(...entries)))
      },
    }))
    const { socket, session } = enter(room, A)
    loseReplyTo = 1
    await deliver(room, session, 'push', { seq: 1, diff: put(geoShape('one')) })
    expect(socket.of(EV.saving).map((e) => e.payload)).toEqual([{ paused: true, reason: 'storage' }])
    // The tail brings it: the client sees it acknowledged and will never send it again.
    const late = held
    held = []
    release(late)
    await until(() => socket.entries().some((e) => e.kind === 'ack' && e.seq === 1), 'seq 1 acknowledged through the tail')
    expect(socket.of(EV.saving).at(-1)!.payload).toEqual({ paused: false })
    await deliver(room, session, 'push', { seq: 2, diff: put(geoShape('two')) })
    await until(() => socket.entries().some((e) => e.kind === 'ack' && e.seq === 2), 'seq 2 acknowledged')
    expect(room.documentRecords.map((r) => r.id)).toEqual(expect.arrayContaining(['shape:one', 'shape:two']))
  })

  it("stores the pushes that came while a session's push was being stored together, in one write, acknowledged in order", async () => {
    const groups: number[][] = []
    let open: () => void = () => undefined
    let gate: Promise<void> = new Promise((r) => (open = r))
    const room = await openSteeredRoom((storage) => ({
      appendAll: async (id, pushes) => {
        groups.push(pushes.map((p) => p.seq))
        await gate
        return storage.appendAll(id, pushes)
      },
    }))
    const { socket, session } = enter(room, A)
    const sent = [deliver(room, session, 'push', { seq: 1, diff: put(geoShape('s1')) })]
    await until(() => groups.length === 1, 'the first push at storage')
    for (const seq of [2, 3, 4]) sent.push(deliver(room, session, 'push', { seq, diff: put(geoShape(`s${seq}`)) }))
    await new Promise((r) => setTimeout(r, 20))
    // Nothing more of the session goes to storage while its first push is unsettled.
    expect(groups).toEqual([[1]])
    open()
    gate = Promise.resolve()
    await Promise.all(sent)
    await until(() => socket.entries().length === 4, 'four acknowledgements')
    expect(groups).toEqual([[1], [2, 3, 4]])
    expect(socket.entries().map((e) => [e.kind, e.offset, e.kind === 'ack' && e.seq])).toEqual([1, 2, 3, 4].map((n) => ['ack', n, n]))
  })

  it('after a group could not be stored, stores nothing of the session until the client re-sends from its first push', async () => {
    const failed: number[][] = []
    let open: () => void = () => undefined
    const gate = new Promise<void>((r) => (open = r))
    const room = await openSteeredRoom((storage) => ({
      appendAll: async (id, pushes) => {
        await gate
        if (failed.length === 0 && pushes[0].seq === 2) {
          failed.push(pushes.map((p) => p.seq))
          throw new Error('disk full')
        }
        return storage.appendAll(id, pushes)
      },
    }))
    const { socket, session } = enter(room, A)
    const push = (seq: number) => deliver(room, session, 'push', { seq, diff: put(geoShape(`s${seq}`)) })
    const sent = [push(1)]
    await new Promise((r) => setTimeout(r, 5))
    sent.push(push(2), push(3))
    open()
    await Promise.all(sent)
    expect(failed).toEqual([[2, 3]])
    expect(socket.of(EV.saving).map((e) => e.payload)).toEqual([{ paused: true, reason: 'storage' }])
    // Sent before the client learnt saving stopped: dropped, it comes again with the re-send.
    await push(4)
    expect(room.offset).toBe(1)
    await Promise.all([2, 3, 4].map(push))
    await until(() => socket.entries().length === 4, 'four acknowledgements')
    expect(socket.entries().map((e) => [e.kind, e.offset, e.kind === 'ack' && e.seq])).toEqual([1, 2, 3, 4].map((n) => ['ack', n, n]))
    expect(socket.of(EV.saving).at(-1)!.payload).toEqual({ paused: false })
  })

  it('applies a retried push (same client, same seq) once', async () => {
    const { room } = await openRoom()
    const a = enter(room, A)
    const b = enter(room, B)
    const first = put(geoShape('one'))

    await deliver(room, a.session, 'push', { seq: 1, diff: first })
    await deliver(room, a.session, 'push', { seq: 1, diff: first })
    // Each resolved once storage had answered it, and storage hands the room an entry first.
    expect(room.offset).toBe(1)
    await until(() => a.socket.entries().length > 0 && b.socket.entries().length > 0, 'the first entry')

    // A retry after reconnecting, on a new session, is a duplicate too.
    const a2 = enter(room, A, 1)
    expect(a2.socket.welcome().settledSeq).toBe(1)
    await deliver(room, a2.session, 'push', { seq: 1, diff: first })
    const second = put(geoShape('two'))
    await deliver(room, a2.session, 'push', { seq: 2, diff: second })
    // Sent after the retry, in order: once it has arrived, so has anything the retry caused.
    await until(() => b.socket.entries().length > 1, 'the second entry')

    expect(room.offset).toBe(2)
    expect(b.socket.entries()).toEqual([
      { kind: 'change', offset: 1, diff: first },
      { kind: 'change', offset: 2, diff: second },
    ])
    expect(a.socket.entries()).toEqual([{ kind: 'ack', offset: 1, seq: 1 }])
    expect(a2.socket.entries()).toEqual([{ kind: 'ack', offset: 2, seq: 2 }])
  })

  it('tells a writer welcomed with the whole document what the fold adjusted or refused of its pushes, for their acks never came', async () => {
    const { room } = await openRoom({ catchUpWindow: 3 })
    const a = enter(room, A, null, 'facilitator')
    await deliver(room, a.session, 'push', { seq: 1, diff: { 'shape:gone': ['patch', { set: { x: 1 } }] } })
    await deliver(room, a.session, 'push', { seq: 2, diff: { [FIRST_PAGE_ID]: ['remove'] } })
    await deliver(room, a.session, 'push', { seq: 3, diff: put(geoShape('plain')) })
    await until(() => room.offset === 3, 'three entries folded')
    room.leave(a.session)
    const b = enter(room, B)
    for (let seq = 1; seq <= 6; seq++) await deliver(room, b.session, 'push', { seq, diff: put(geoShape(`b${seq}`)) })
    await until(() => room.offset === 9, 'far past the window')

    const back = enter(room, A, 0).socket.welcome()
    expect(back.document).toBeDefined()
    expect(back.settledSeq).toBe(3)
    expect(back.told).toEqual([
      { kind: 'ack', offset: 1, seq: 1, adjusted: [{ id: 'shape:gone', what: 'dropped', reason: 'record-removed' }] },
      { kind: 'rejected', offset: 2, seq: 2, refusal: expect.objectContaining({ code: 'last-page' }) },
    ])
    // Nothing to tell the others, nor anyone caught up from entries, whose acks carry it.
    expect(enter(room, B, 0).socket.welcome().told).toBeUndefined()
    expect(enter(room, C, null).socket.welcome().told).toBeUndefined()
  })

  it('catches a reconnecting client up with entries within the window, with the whole document beyond it', async () => {
    const { room } = await openRoom({ catchUpWindow: 3 })
    const a = enter(room, A)
    const b = enter(room, B)
    const diffs: DocDiff[] = []
    for (let seq = 1; seq <= 8; seq++) {
      diffs.push(put(geoShape(`a${seq}`, { x: seq })))
      await deliver(room, a.session, 'push', { seq, diff: diffs.at(-1) })
    }
    for (let seq = 1; seq <= 2; seq++) {
      diffs.push(put(geoShape(`b${seq}`, { y: seq })))
      await deliver(room, b.session, 'push', { seq, diff: diffs.at(-1) })
    }
    await until(() => room.offset === 10, 'ten entries folded')
    room.leave(a.session)

    const near = enter(room, A, 7)
    const nearWelcome = near.socket.welcome()
    expect(nearWelcome.offset).toBe(10)
    expect(nearWelcome.document).toBeUndefined()
    expect(nearWelcome.entries).toEqual([
      { kind: 'ack', offset: 8, seq: 8 },
      { kind: 'change', offset: 9, diff: diffs[8] },
      { kind: 'change', offset: 10, diff: diffs[9] },
    ])
    expect(nearWelcome.settledSeq).toBe(8)
    room.leave(near.session)

    const upToDate = enter(room, A, 10)
    expect(upToDate.socket.welcome().entries).toEqual([])
    expect(upToDate.socket.welcome().document).toBeUndefined()
    room.leave(upToDate.session)

    const far = enter(room, A, 1)
    const farWelcome = far.socket.welcome()
    expect(farWelcome.entries).toBeUndefined()
    expect(farWelcome.offset).toBe(10)
    expect(farWelcome.settledSeq).toBe(8)
    expect(welcomeRecords(farWelcome)!.filter((r) => r.typeName === 'shape')).toHaveLength(10)
    expect(welcomeRecords(farWelcome)).toEqual(room.documentRecords)

    // An offset this room never reached (a log from elsewhere) also gets the whole document.
    room.leave(far.session)
    const ahead = enter(room, A, 50)
    expect(welcomeRecords(ahead.socket.welcome())).toEqual(room.documentRecords)

    // B, who never left, reports its own settled seq.
    const b2 = enter(room, B, 10)
    expect(b2.socket.welcome().settledSeq).toBe(2)
  })

  it('relays presence to the others under an id that is not the clientId, and removes it when the sender leaves', async () => {
    const { room } = await openRoom()
    const a = enter(room, A)
    const b = enter(room, B)

    deliver(room, a.session, 'presence', presenceRecord('anna'))
    await until(() => b.socket.presenceUpdates().length > 0, 'presence at B')

    const sent = b.socket.of(EV.batch)
    expect(sent).toHaveLength(1)
    expect(sent[0].volatile).toBe(true)
    const [update] = b.socket.presenceUpdates()
    expect(update.remove).toEqual([])
    expect(update.put).toHaveLength(1)
    const relayed = update.put[0] as UnknownRecord & { userName: string }
    expect(relayed.userName).toBe('anna')
    expect(relayed.typeName).toBe('instance_presence')
    expect(relayed.id).toMatch(/^instance_presence:/)
    expect(relayed.id).not.toContain(A)
    expect(relayed.id).not.toBe(presenceRecord('anna').id)
    expect(JSON.stringify(b.socket.emitted)).not.toContain(A)
    // Nobody applies their own presence: the shared part carries it, the client leaves it out.
    expect(a.socket.presenceUpdates()).toEqual([])

    // A newcomer finds it in its welcome.
    const c = enter(room, C)
    expect(c.socket.welcome().presence).toEqual([relayed])

    room.leave(a.session)
    await until(() => b.socket.presenceUpdates().length > 1, 'presence removal at B')
    expect(b.socket.presenceUpdates()[1]).toEqual({ put: [], remove: [relayed.id] })
    await until(() => c.socket.presenceUpdates().length > 0, 'presence removal at C')
    expect(c.socket.presenceUpdates()).toEqual([{ put: [], remove: [relayed.id] }])
    // Nor is it in the welcome of anyone joining later.
    expect(enter(room, D).socket.welcome().presence).toEqual([])
  })

  it('removes presence set to null', async () => {
    const { room } = await openRoom()
    const a = enter(room, A)
    const b = enter(room, B)
    deliver(room, a.session, 'presence', presenceRecord('anna'))
    await until(() => b.socket.presenceUpdates().length > 0, 'presence at B')
    const id = b.socket.presenceUpdates()[0].put[0].id
    deliver(room, a.session, 'presence', null)
    await until(() => b.socket.presenceUpdates().length > 1, 'presence removal at B')
    expect(b.socket.presenceUpdates()[1]).toEqual({ put: [], remove: [id] })
    expect(enter(room, C).socket.welcome().presence).toEqual([])
  })

  it('drops malformed presence: nothing relayed, the connection kept, each counted as a strike', async () => {
    // The strikes bucket reads Date.now: frozen, it does not refill during the test.
    vi.useFakeTimers({ toFake: ['Date'] })
    const { room } = await openRoom()
    const { cursor: _cursor, ...withoutCursor } = presenceRecord('anna') as UnknownRecord & { cursor: unknown }
    const malformed: unknown[] = [
      { ...presenceRecord('anna'), userName: 42 },
      { ...presenceRecord('anna'), typeName: 'shape' },
      { ...presenceRecord('anna'), cursor: { x: 'left' } },
      { ...withoutCursor, currentPageId: 'not-a-page' },
      'garbage',
      42,
      [],
    ]
    // Exactly as many strikes as there are malformed records: one more refused message cuts it off.
    const limits = new InboundLimits({ strikes: { perSecond: 1, burst: malformed.length } }).connect('198.51.100.2')!
    const a = { socket: new FakeSocket(), session: null as unknown as Session }
    a.session = room.join(a.socket, { writerId: A, voterKey: A }, null, 'participant', limits)
    const b = enter(room, B)

    for (const record of malformed) deliver(room, a.session, 'presence', record)
    // Dropped without a word: no fatal, no disconnect, still in the room.
    expect(a.socket.of(EV.fatal)).toEqual([])
    expect(a.socket.disconnects).toEqual([])
    expect(room.sessions.has(a.session)).toBe(true)
    const next = await sentinel(room, b.socket)
    expect(b.socket.batches()).toEqual([{ entries: [next] }])
    expect(enter(room, C).socket.welcome().presence).toEqual([])

    // The room still relays a good one afterwards, and that costs no strike.
    deliver(room, a.session, 'presence', presenceRecord('anna'))
    await until(() => b.socket.presenceUpdates().length > 0, 'presence at B')
    const id = a.session.presenceId
    expect(b.socket.presenceUpdates()).toEqual([
      {
        put: [
          {
            ...presenceRecord('anna'),
            id,
            userId: `user:${id.slice('instance_presence:'.length)}`,
            followingUserId: null,
            meta: { role: 'participant' },
          },
        ],
        remove: [],
      },
    ])

    // Every malformed one was a strike: the next refused message is one too many.
    deliver(room, a.session, 'presence', 'garbage')
    expect(a.socket.of(EV.fatal).map((e) => e.payload)).toEqual([{ code: 'abuse', message: 'Too many refused messages: disconnected.' }])
    expect(a.socket.disconnects).toEqual([true])
    expect(room.sessions.has(a.session)).toBe(false)
  })

  it('sends the pushes folded in one turn to each other session in one batch', async () => {
    const { room } = await openRoom()
    const a = enter(room, A)
    const b = enter(room, B)
    const c = enter(room, C)
    const d = enter(room, D)
    const diffs = [put(geoShape('fromA')), put(geoShape('fromC')), put(geoShape('fromD'))]

    await Promise.all([
      deliver(room, a.session, 'push', { seq: 1, diff: diffs[0] }),
      deliver(room, c.session, 'push', { seq: 1, diff: diffs[1] }),
      deliver(room, d.session, 'push', { seq: 1, diff: diffs[2] }),
    ])
    await until(() => b.socket.entries().length >= 3, 'three entries at B')
    // A later change goes out in a batch of its own: whatever else the three caused came before it.
    const next = await sentinel(room, b.socket)

    const [batch, ...rest] = b.socket.batches()
    expect(rest).toEqual([{ entries: [next] }])
    expect(batch.entries!.map((e) => e.kind === 'change' && e.offset)).toEqual([1, 2, 3])
    expect(batch.entries!.map((e) => e.kind === 'change' && e.diff)).toEqual(expect.arrayContaining(diffs))
    // Each sender, too, gets its ack and the others' diffs together (a flush sends to every session).
    for (const s of [a, c, d]) {
      const [own, ...after] = s.socket.batches()
      expect(after).toEqual([{ entries: [next] }])
      const entries = own.entries!
      expect(entries.map((e) => (e.kind === 'ack' || e.kind === 'change') && e.offset)).toEqual([1, 2, 3])
      expect(entries.filter((e) => e.kind === 'ack' && e.seq === 1)).toHaveLength(1)
      expect(entries.filter((e) => e.kind === 'change')).toHaveLength(2)
    }
  })

  it('lets a second session with the same clientId replace the first', async () => {
    const { room } = await openRoom()
    const first = enter(room, A)
    const b = enter(room, B)
    deliver(room, first.session, 'presence', presenceRecord('anna'))
    await until(() => b.socket.presenceUpdates().length > 0, 'presence at B')
    const presenceId = b.socket.presenceUpdates()[0].put[0].id

    const second = enter(room, A, 0)
    expect(first.socket.disconnects).toEqual([true])
    expect(second.socket.disconnects).toEqual([])
    expect(room.sessions.size).toBe(2)
    expect([...room.sessions].map((s: Session) => s.writerId).sort()).toEqual([A, B])
    await until(() => b.socket.presenceUpdates().length > 1, 'the old presence removed at B')
    expect(b.socket.presenceUpdates()[1].remove).toEqual([presenceId])

    const diff = put(geoShape('x'))
    await deliver(room, b.session, 'push', { seq: 1, diff })
    await until(() => second.socket.entries().length > 0, 'the entry at the new session')
    const next = await sentinel(room, second.socket)
    expect(second.socket.entries()).toEqual([{ kind: 'change', offset: 1, diff: diff }, next])
    expect(first.socket.entries()).toEqual([])
  })

  it('resyncs when its storage tail skips offsets (a node left behind a trim): sessions get the whole document again', async () => {
    const storage = new MemoryStorage()
    cleanups.push(() => storage.close())
    const created = await createBoard(storage, 'Tavolo di prova', 'http://localhost')
    // The tail this room reads: the test decides what it delivers.
    let deliver: (entries: LogEntry[]) => void = () => undefined
    const tailed = steered(storage, {
      subscribe: (_id, _after, onEntries) => {
        deliver = onEntries
        return () => undefined
      },
    })
    const meta: BoardMeta = { id: created.id, title: created.title, createdAt: created.createdAt }
    const room = await Room.load(meta, tailed, { tickMs: 1, logger: silentLogger })
    cleanups.push(() => room.close())
    const a = enter(room, A)
    for (let seq = 1; seq <= 3; seq++) {
      await storage.append(meta.id, { clientId: B, seq, diff: { [`shape:s${seq}`]: ['put', geoShape(`s${seq}`)] } })
    }
    // Only the third reaches this node: the first two were trimmed before it read them.
    const { entries } = await storage.load(meta.id)
    deliver(entries.slice(2))
    await until(() => a.socket.of(EV.welcome).length === 2, 'a second welcome')
    const again = a.socket.of(EV.welcome)[1].payload as WelcomeMessage
    expect(again.offset).toBe(3)
    expect(
      welcomeRecords(again)!
        .map((r) => r.id)
        .filter((id) => id.startsWith('shape:'))
        .sort()
    ).toEqual(['shape:s1', 'shape:s2', 'shape:s3'])
    expect(room.offset).toBe(3)
    expect(a.socket.entries()).toEqual([])
  })
})

describe('editPace', () => {
  it('flushes edits every tick up to 96 people, then less often, never less than 60 times a second', () => {
    expect(editPace(2, 8)).toBe(8)
    expect(editPace(96, 8)).toBe(8)
    expect(editPace(150, 8)).toBe(12.5)
    expect(editPace(200, 8)).toBe(16)
    expect(editPace(300, 8)).toBe(16)
    expect(editPace(2000, 8)).toBe(16)
    expect(editPace(2, 1)).toBeCloseTo(1, 5)
  })
})
