import { randomUUID } from 'node:crypto'
import { EV, type BatchFrame, readBatch, type WelcomeMessage } from '@opificio/shared'
import { geoShape, presenceRecord } from '@opificio/shared/testing'
import type { UnknownRecord } from '@tldraw/store'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBoard } from '../../boards/boardService.ts'
import { MemoryStorage } from '../../storage/memory/memoryStorage.ts'
import type { StorageEngine } from '../../storage/types.ts'
import type { PresenceBus, PresenceNews } from './presenceBus.ts'
import type { Room } from './room.ts'
import { RoomManager } from './roomManager.ts'
import { silentLogger } from '../../observability/logger.ts'

/** What a room sends to: named through Room itself, wherever the type lives. */
type RoomSocket = Parameters<Room['join']>[0]

const IDLE_MS = 10_000
const HEARTBEAT_MS = 1_000
const EXPIRY_MS = 3_000

/** A socket that only records what it is sent. */
class FakeSocket implements RoomSocket {
  readonly id = randomUUID()
  readonly emitted: { event: string; payload: unknown }[] = []
  readonly disconnects: (boolean | undefined)[] = []
  readonly volatile = { emit: (event: string, payload: unknown) => this.emitted.push({ event, payload }) }
  emit(event: string, payload: unknown) {
    this.emitted.push({ event, payload })
    return true
  }
  disconnect(close?: boolean) {
    this.disconnects.push(close)
    return this
  }
  welcome(): WelcomeMessage {
    const welcomes = this.emitted.filter((e) => e.event === EV.welcome)
    expect(welcomes).toHaveLength(1)
    return welcomes[0].payload as WelcomeMessage
  }
  presenceUpdates() {
    return this.emitted
      .filter((e) => e.event === EV.batch)
      .map((e) => readBatch(e.payload as BatchFrame, this.welcome().presenceId))
      .flatMap((b) => (b.presence ? [b.presence] : []))
  }
}

/** The other nodes, as far as this one can tell: it records what is published and delivers what the test says. */
class FakeBus implements PresenceBus {
  readonly nodeId = 'node-here'
  readonly published: Omit<PresenceNews, 'node'>[] = []
  readonly handlers = new Set<(news: PresenceNews) => void>()
  publish(news: Omit<PresenceNews, 'node'>) {
    this.published.push(news)
  }
  subscribe(handler: (news: PresenceNews) => void) {
    this.handlers.add(handler)
    return () => {
      this.handlers.delete(handler)
    }
  }
  deliver(news: PresenceNews) {
    for (const h of this.handlers) h(news)
  }
  heartbeats() {
    return this.published.filter((n) => n.full)
  }
}

/** Lets promise callbacks and the rooms' flushes (immediates: only timers and the clock are faked) run. */
async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}

/** Waits for a condition, on the real clock (performance is not faked). */
async function until(check: () => boolean, what: string, ms = 5_000) {
  const start = performance.now()
  while (!check()) {
    if (performance.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setImmediate(r))
  }
}

const cleanups: (() => Promise<void> | void)[] = []

afterEach(async () => {
  vi.useRealTimers()
  for (const c of cleanups.splice(0).reverse()) await c()
})

let storage: StorageEngine
/** How many times each board was loaded from storage: once per room loaded. */
let loads: Map<string, number>
let boards: string[]

beforeEach(async () => {
  const engine = new MemoryStorage({ logger: silentLogger })
  cleanups.push(() => engine.close())
  boards = []
  for (const title of ['Primo tavolo', 'Secondo tavolo', 'Terzo tavolo']) boards.push((await createBoard(engine, title, 'http://localhost')).id)
  loads = new Map()
  storage = Object.assign(Object.create(engine) as MemoryStorage, {
    load: (id: string) => {
      loads.set(id, (loads.get(id) ?? 0) + 1)
      return engine.load(id)
    },
  })
  // Timers and the clock only: the rooms' flushes run on real immediates, storage answers in microtasks.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], shouldClearNativeTimers: true })
})

function manager(opts: { bus?: PresenceBus } = {}) {
  const rooms = new RoomManager(storage, {
    // Every flush on an immediate, never on a (fake) timer.
    tickMs: 0,
    idleUnloadMs: IDLE_MS,
    heartbeatMs: HEARTBEAT_MS,
    presenceExpiryMs: EXPIRY_MS,
    ...opts,
  })
  cleanups.push(() => rooms.close())
  return rooms
}

async function getRoom(rooms: RoomManager, id: string): Promise<Room> {
  const room = await rooms.get(id)
  expect(room).not.toBeNull()
  return room!
}

/** Rooms are big: compared by identity without printing them. */
function expectSame(actual: Room | null, expected: Room | null) {
  expect(actual === expected, 'expected the very same room').toBe(true)
}

function expectOther(actual: Room | null, expected: Room | null) {
  expect(actual !== null && actual !== expected, 'expected another room').toBe(true)
}

function enter(room: Room, clientId: string) {
  const socket = new FakeSocket()
  const session = room.join(socket, { writerId: clientId, voterKey: clientId }, null, 'participant')
  return { socket, session }
}

const A = 'clientAAAA'
const B = 'clientBBBB'

describe('RoomManager: loading and idle unload', () => {
  it('gives null for a board that does not exist, and loads nothing for it', async () => {
    const rooms = manager()
    expect(await rooms.get('doesNotExist123')).toBeNull()
    expect(await rooms.get('not a board id!')).toBeNull()
    expect(loads.size).toBe(0)
  })

  it('loads a room once for concurrent gets, and gives every caller that one room', async () => {
    const rooms = manager()
    const got = await Promise.all([rooms.get(boards[0]), rooms.get(boards[0]), rooms.get(boards[0]), rooms.get(boards[1])])
    expect(got[0]).not.toBeNull()
    expectSame(got[1], got[0])
    expectSame(got[2], got[0])
    expectOther(got[3], got[0])
    expect(got.map((r) => r!.board.id)).toEqual([boards[0], boards[0], boards[0], boards[1]])
    expectSame(await rooms.get(boards[0]), got[0])
    expect(Object.fromEntries(loads)).toEqual({ [boards[0]]: 1, [boards[1]]: 1 })
  })

  it('unloads an empty room idleUnloadMs after it was released, not before', async () => {
    const rooms = manager()
    const room = await getRoom(rooms, boards[0])
    const { socket, session } = enter(room, A)
    room.leave(session)
    rooms.released(room)

    vi.advanceTimersByTime(IDLE_MS - 1)
    // Still loaded: the next get is served by the same room, without touching storage.
    expectSame(await rooms.get(boards[0]), room)
    expect(loads.get(boards[0])).toBe(1)

    // That get took the room back; released again, the grace starts over.
    rooms.released(room)
    vi.advanceTimersByTime(IDLE_MS)
    const reloaded = await getRoom(rooms, boards[0])
    expectOther(reloaded, room)
    expect(loads.get(boards[0])).toBe(2)
    // Nobody was in it to be disconnected.
    expect(socket.disconnects).toEqual([])
  })

  it('compacts a board edited since its last snapshot as its room unloads, so its next load replays nothing', async () => {
    const rooms = manager()
    const room = await getRoom(rooms, boards[0])
    const shape = geoShape('card')
    await storage.append(boards[0], { clientId: A, seq: 1, diff: { [shape.id]: ['put', shape] } })
    await until(() => room.offset === 1, 'the edit folded')
    rooms.released(room)
    vi.advanceTimersByTime(IDLE_MS)
    const start = performance.now()
    while ((await storage.load(boards[0])).snapshot.offset !== 1 && performance.now() - start < 5000) await settle()
    const { snapshot, entries } = await storage.load(boards[0])
    expect(snapshot.offset).toBe(1)
    expect(entries).toEqual([])
    expect(snapshot.records.map((r) => r.id)).toContain(shape.id)
  })

  it('compacts, as it closes, the boards whose log since their snapshot would slow the first join after a restart, and only those', async () => {
    const rooms = manager()
    const [light, heavy] = await Promise.all([getRoom(rooms, boards[0]), getRoom(rooms, boards[1])])
    await storage.append(boards[0], { clientId: A, seq: 1, diff: { 'shape:small': ['put', geoShape('small')] } })
    await storage.append(boards[1], { clientId: A, seq: 1, diff: { 'shape:big': ['put', geoShape('big', { meta: { note: 'x'.repeat(300_000) } })] } })
    await until(() => light.offset === 1 && heavy.offset === 1, 'the edits folded')
    await rooms.close()
    expect((await storage.load(boards[0])).entries).toHaveLength(1)
    expect((await storage.load(boards[1])).entries).toEqual([])
    expect((await storage.load(boards[1])).snapshot.offset).toBe(1)
  })

  it('keeps a room that someone joined during the grace period', async () => {
    const rooms = manager()
    const room = await getRoom(rooms, boards[0])
    rooms.released(room)
    vi.advanceTimersByTime(IDLE_MS / 2)

    // How a connection joins: get, then join.
    const again = await getRoom(rooms, boards[0])
    expectSame(again, room)
    const { socket } = enter(again, A)
    vi.advanceTimersByTime(IDLE_MS * 3)

    expect(socket.disconnects).toEqual([])
    expectSame(await rooms.get(boards[0]), room)
    expect(loads.get(boards[0])).toBe(1)
  })

  it('cancels the unload as soon as a get is made, before the caller has joined', async () => {
    const rooms = manager()
    const room = await getRoom(rooms, boards[0])
    rooms.released(room)
    vi.advanceTimersByTime(IDLE_MS - 1)
    const again = await getRoom(rooms, boards[0])
    // The grace would have run out between the get and the join (checks, a slow handshake).
    vi.advanceTimersByTime(IDLE_MS)
    const { socket } = enter(again, A)

    expectSame(again, room)
    expectSame(await rooms.get(boards[0]), room)
    expect(loads.get(boards[0])).toBe(1)
    expect(socket.disconnects).toEqual([])
  })

  it('does not unload a room released while someone is still in it', async () => {
    const rooms = manager()
    const room = await getRoom(rooms, boards[0])
    const a = enter(room, A)
    enter(room, B)
    room.leave(a.session)
    rooms.released(room)
    vi.advanceTimersByTime(IDLE_MS * 3)
    expectSame(await rooms.get(boards[0]), room)
    expect(loads.get(boards[0])).toBe(1)
  })

  it('closes every loaded room on close, disconnecting its sessions', async () => {
    const rooms = manager()
    const first = enter(await getRoom(rooms, boards[0]), A)
    const second = enter(await getRoom(rooms, boards[1]), B)
    rooms.released(await getRoom(rooms, boards[2]))
    await rooms.close()
    expect(first.socket.disconnects).toEqual([true])
    expect(second.socket.disconnects).toEqual([true])
    // Neither the heartbeat nor an idle unload is left waiting.
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('RoomManager: presence between nodes', () => {
  const remote = (name: string) => presenceRecord(name) as UnknownRecord

  it("routes presence news for a board to that board's room only", async () => {
    const bus = new FakeBus()
    const rooms = manager({ bus })
    const first = enter(await getRoom(rooms, boards[0]), A)
    const second = enter(await getRoom(rooms, boards[1]), B)
    const bruno = remote('bruno')
    const carla = remote('carla')

    bus.deliver({ boardId: boards[0], node: 'node-there', put: [bruno], remove: [] })
    await until(() => first.socket.presenceUpdates().length > 0, 'the news in the first room')
    expect(first.socket.presenceUpdates()).toEqual([{ put: [bruno], remove: [] }])

    // News for the second board, sent after: had the first news reached it too, it would have come first.
    bus.deliver({ boardId: boards[1], node: 'node-there', put: [carla], remove: [] })
    await until(() => second.socket.presenceUpdates().length > 0, 'the news in the second room')
    expect(second.socket.presenceUpdates()).toEqual([{ put: [carla], remove: [] }])
    expect(first.socket.presenceUpdates()).toEqual([{ put: [bruno], remove: [] }])
  })

  it('drops presence news for a board with no room loaded here, without loading it', async () => {
    const bus = new FakeBus()
    const rooms = manager({ bus })
    const loaded = enter(await getRoom(rooms, boards[0]), A)

    bus.deliver({ boardId: boards[2], node: 'node-there', put: [remote('bruno')], remove: [] })
    await settle()
    expect(loads.has(boards[2])).toBe(false)
    expect(loaded.socket.presenceUpdates()).toEqual([])

    // Loaded later, the room knows nothing of it (the remote node's next heartbeat will tell it).
    const late = enter(await getRoom(rooms, boards[2]), B)
    expect(late.socket.welcome().presence).toEqual([])
  })

  it('no longer routes news to a room once it is unloaded', async () => {
    const bus = new FakeBus()
    const rooms = manager({ bus })
    const room = await getRoom(rooms, boards[0])
    rooms.released(room)
    vi.advanceTimersByTime(IDLE_MS)

    bus.deliver({ boardId: boards[0], node: 'node-there', put: [remote('bruno')], remove: [] })
    await settle()
    const reloaded = await getRoom(rooms, boards[0])
    expectOther(reloaded, room)
    expect(enter(reloaded, A).socket.welcome().presence).toEqual([])
  })

  it('publishes, every heartbeatMs, the full presence of each loaded room', async () => {
    const bus = new FakeBus()
    const rooms = manager({ bus })
    const busy = await getRoom(rooms, boards[0])
    const a = enter(busy, A)
    const b = enter(busy, B)
    await getRoom(rooms, boards[1])
    busy.setPresence(a.session, presenceRecord('anna'))
    await until(() => b.socket.presenceUpdates().length > 0, 'presence at B')
    const anna = b.socket.presenceUpdates()[0].put[0]
    expect(bus.heartbeats()).toEqual([])

    vi.advanceTimersByTime(HEARTBEAT_MS - 1)
    await settle()
    expect(bus.heartbeats()).toEqual([])
    vi.advanceTimersByTime(1)
    await settle()
    expect(bus.heartbeats()).toEqual([
      { boardId: boards[0], put: [anna], remove: [], full: true },
      { boardId: boards[1], put: [], remove: [], full: true },
    ])

    vi.advanceTimersByTime(HEARTBEAT_MS)
    await settle()
    expect(bus.heartbeats()).toHaveLength(4)
    expect(bus.heartbeats().slice(2)).toEqual(bus.heartbeats().slice(0, 2))
  })

  it('stops the heartbeat and leaves the bus on close', async () => {
    const bus = new FakeBus()
    const rooms = manager({ bus })
    await getRoom(rooms, boards[0])
    expect(bus.handlers.size).toBe(1)
    await rooms.close()
    expect(bus.handlers.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(HEARTBEAT_MS * 5)
    await settle()
    expect(bus.heartbeats()).toEqual([])
  })

  it("drops a remote node's presence after presenceExpiryMs without news from it", async () => {
    const bus = new FakeBus()
    const rooms = manager({ bus })
    const { socket } = enter(await getRoom(rooms, boards[0]), A)
    const bruno = remote('bruno')
    const dario = remote('dario')

    bus.deliver({ boardId: boards[0], node: 'node-quiet', put: [bruno], remove: [] })
    bus.deliver({ boardId: boards[0], node: 'node-talking', put: [dario], remove: [] })
    await until(() => socket.presenceUpdates().length > 0, 'the remote presence')
    expect(socket.presenceUpdates()).toEqual([{ put: [bruno, dario], remove: [] }])

    // The talking node keeps sending heartbeats; the quiet one says nothing more.
    for (let t = 0; t < EXPIRY_MS; t += HEARTBEAT_MS) {
      vi.advanceTimersByTime(HEARTBEAT_MS)
      bus.deliver({ boardId: boards[0], node: 'node-talking', put: [dario], remove: [], full: true })
      await settle()
    }
    // Exactly presenceExpiryMs of silence: not yet gone. (The talking node's heartbeats re-put dario.)
    expect(socket.presenceUpdates().flatMap((u) => u.remove)).toEqual([])

    // The departure goes out at the room's presence pace, at most 50 ms later.
    vi.advanceTimersByTime(HEARTBEAT_MS)
    await settle()
    vi.advanceTimersByTime(50)
    await until(() => socket.presenceUpdates().some((u) => u.remove.length > 0), 'the expiry')
    expect(socket.presenceUpdates().flatMap((u) => u.remove)).toEqual([bruno.id])

    // A newcomer sees only the node that kept talking.
    expect(enter(await getRoom(rooms, boards[0]), B).socket.welcome().presence).toEqual([dario])
  })
})
