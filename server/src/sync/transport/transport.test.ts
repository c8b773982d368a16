import {
  EV,
  FIRST_PAGE_ID,
  linkToken,
  PROTOCOL_VERSION,
  schemaFingerprint,
  TEMPLATE_RECORD_ID,
  type BatchFrame,
  PRESENCE_ID_PREFIX,
  readBatch,
  type DocDiff,
  type FatalMessage,
  type WelcomeMessage,
  type WireEntry,
  welcomeRecords,
} from '@opificio/shared'
import { geoShape, presenceRecord } from '@opificio/shared/testing'
import type { UnknownRecord } from '@tldraw/store'
import { TLDOCUMENT_ID } from '@tldraw/tlschema'
import { io, type Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../app.ts'
import { createBoard } from '../../boards/boardService.ts'
import { silentLogger } from '../../observability/logger.ts'
import { MemoryStorage } from '../../storage/memory/memoryStorage.ts'
import { writerIdentity } from '../writerIdentity.ts'

let app: App
let url: string
let storage: MemoryStorage
const clients: Client[] = []

beforeAll(async () => {
  storage = new MemoryStorage()
  // The app closes its storage with it.
  app = createApp({ storage, clientDist: '/nonexistent', logger: silentLogger })
  url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`
})
afterEach(() => clients.splice(0).forEach((c) => c.socket.disconnect()))
afterAll(() => app.close())

/** A connection and everything the server sent it, in the order it arrived. */
interface Client {
  socket: Socket
  heard: { event: string; payload: unknown }[]
  of<T>(event: string): T[]
  /** Every document entry received in batches, in order. */
  entries(): WireEntry[]
}

function connect(): Client {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  const heard: Client['heard'] = []
  socket.onAny((event: string, payload: unknown) => heard.push({ event, payload }))
  const of = <T>(event: string) => heard.filter((h) => h.event === event).map((h) => h.payload as T)
  const client: Client = { socket, heard, of, entries: () => of<BatchFrame>(EV.batch).flatMap((f) => readBatch(f, null).entries ?? []) }
  clients.push(client)
  return client
}

/** Waits for a condition, with a deadline. */
async function until(check: () => boolean, what: string, ms = 5_000) {
  const start = performance.now()
  while (!check()) {
    if (performance.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 2))
  }
}

/** The first `event` this client heard, waiting for it if it has not arrived yet. */
async function first<T>(client: Client, event: string): Promise<T> {
  await until(() => client.of(event).length > 0, `a ${event}`)
  return client.of<T>(event)[0]
}

const hello = (boardId: string, over: Record<string, unknown> = {}) => ({
  token: tokens.get(boardId),
  protocol: PROTOCOL_VERSION,
  schema: schemaFingerprint(),
  boardId,
  clientId: 'client-socket-test',
  lastOffset: null,
  ...over,
})

function put(record: UnknownRecord): DocDiff {
  return { [record.id]: ['put', record] }
}

/** Each board's participant token, as its link carries it. */
const tokens = new Map<string, string>()

/** A board of its own, so offsets start at 0 whatever the other tests did. */
async function newBoard(title = 'Tavolo') {
  const board = await createBoard(storage, title, 'http://localhost')
  tokens.set(board.id, linkToken(new URL(board.links.participant).hash)!)
  return board
}

/** A client welcomed on `boardId`. */
async function joined(boardId: string, clientId: string) {
  const client = connect()
  client.socket.emit(EV.hello, hello(boardId, { clientId }))
  await first<WelcomeMessage>(client, EV.welcome)
  return client
}

async function sessionsOf(boardId: string, clientId: string) {
  const room = (await app.rooms.get(boardId))!
  return () => [...room.sessions].filter((s) => s.writerId === writerIdentity(boardId, clientId)).length
}

describe('the hello that starts every connection', () => {
  it('welcomes a current client to an existing board with its whole document', async () => {
    const board = await newBoard('Tavolo di benvenuto')
    const client = connect()
    client.socket.emit(EV.hello, hello(board.id))
    const welcome = await first<WelcomeMessage>(client, EV.welcome)

    expect(welcome.board).toEqual({ id: board.id, title: 'Tavolo di benvenuto', createdAt: board.createdAt })
    expect(welcome.offset).toBe(0)
    expect(welcome.settledSeq).toBe(0)
    expect(welcome.role).toBe('participant')
    expect(welcome.presence).toEqual([])
    expect(welcome.entries).toBeUndefined()
    expect(
      welcomeRecords(welcome)!
        .map((r) => r.id)
        .sort()
    ).toEqual([TLDOCUMENT_ID, FIRST_PAGE_ID, TEMPLATE_RECORD_ID].sort())
  })

  const RELOAD: FatalMessage = { code: 'reload', message: 'Opificio has been updated: reload the page.' }
  it.each([
    [
      'a malformed hello',
      { clientId: 'no' },
      { code: 'bad-request', message: 'malformed hello: At clientId: clientId must be 8-64 letters, digits, _ or -' },
    ],
    ['a client of an older deploy', { schema: '[1,[]]' }, RELOAD],
    ['another protocol version', { protocol: PROTOCOL_VERSION + 1 }, RELOAD],
    ['a board that does not exist', { boardId: 'doesnotexist0001' }, { code: 'not-found', message: 'This board does not exist.' }],
  ])('answers %s with a clear fatal message, and joins nothing', async (_what, over, expected) => {
    const board = await newBoard()
    const client = connect()
    client.socket.emit(EV.hello, hello(board.id, { clientId: 'client-refused', ...over }))
    expect(await first<FatalMessage>(client, EV.fatal)).toEqual(expected)
    expect(client.of(EV.welcome)).toEqual([])
    expect((await sessionsOf(board.id, 'client-refused'))()).toBe(0)
  })

  it('keeps one session per connection when hellos race, and none once it closes', async () => {
    const board = await newBoard()
    const client = connect()
    // Told apart by their welcomes: the whole document answers the first, entries the second.
    client.socket.emit(EV.hello, hello(board.id, { clientId: 'client-race-1', lastOffset: null }))
    client.socket.emit(EV.hello, hello(board.id, { clientId: 'client-race-1', lastOffset: 0 }))
    // The first hello joins, if at all, before the second starts: so the second's welcome comes last.
    await until(() => client.of<WelcomeMessage>(EV.welcome).some((w) => w.entries !== undefined), 'the welcome of the second hello')
    expect(client.of<WelcomeMessage>(EV.welcome).at(-1)!.entries).toEqual([])
    const sessions = await sessionsOf(board.id, 'client-race-1')
    expect(sessions()).toBe(1)

    client.socket.disconnect()
    await until(() => sessions() === 0, 'the session to leave')
  })
})

describe('the inbound table', () => {
  it('drops a push sent before the hello: it is neither stored nor taken for a duplicate', async () => {
    const board = await newBoard()
    const client = connect()
    // Socket.IO sends what was emitted before the connection opened, in order, once it opens.
    client.socket.emit(EV.push, { seq: 1, diff: put(geoShape('early')) })
    client.socket.emit(EV.hello, hello(board.id, { clientId: 'client-early' }))
    const welcome = await first<WelcomeMessage>(client, EV.welcome)
    expect(welcome.settledSeq).toBe(0)
    expect(welcome.offset).toBe(0)

    // The same seq once joined is a new push, not a retry of one the log has.
    const later = put(geoShape('later'))
    client.socket.emit(EV.push, { seq: 1, diff: later })
    await until(() => client.entries().length > 0, 'the acknowledgement')
    expect(client.entries()).toEqual([{ kind: 'ack', offset: 1, seq: 1 }])
    const { entries } = await storage.load(board.id)
    expect(entries.map((e) => [e.offset, e.clientId, e.seq, e.diff])).toEqual([[1, writerIdentity(board.id, 'client-early'), 1, later]])
    expect(client.of(EV.fatal)).toEqual([])
  })

  it('answers a push whose seq cannot be read with a fatal bad-request, storing nothing', async () => {
    const board = await newBoard()
    const client = await joined(board.id, 'client-bad-seq')
    client.socket.emit(EV.push, { seq: 'one', diff: put(geoShape('x')) })
    expect(await first<FatalMessage>(client, EV.fatal)).toEqual({
      code: 'bad-request',
      message: 'malformed push: At seq: Expected number, got a string',
    })
    expect((await storage.load(board.id)).entries).toEqual([])
    expect(client.entries()).toEqual([])
  })

  it('refuses a push with a bad diff by its seq, and keeps the connection', async () => {
    const board = await newBoard()
    const client = await joined(board.id, 'client-bad-diff')
    client.socket.emit(EV.push, { seq: 1, diff: put(geoShape('bad', {}, { geo: 'blob' })) })
    const good = put(geoShape('good'))
    // Behind it, on the same connection: the next push goes on as usual.
    client.socket.emit(EV.push, { seq: 2, diff: good })
    await until(() => client.entries().length === 2, 'two answers')

    expect(client.entries()).toEqual([
      {
        kind: 'rejected',
        seq: 1,
        // The detail (for logs) lists tldraw's geo names, which change with tldraw: anchored at both ends.
        refusal: {
          code: 'record-invalid',
          params: { type: 'shape' },
          detail: expect.stringMatching(/^invalid shape shape:bad: At shape\(type = geo\)\.props\.geo: Expected "cloud" or .*, got blob$/),
        },
      },
      { kind: 'ack', offset: 1, seq: 2 },
    ])
    expect(client.of(EV.fatal)).toEqual([])
    expect(client.socket.connected).toBe(true)
    expect((await storage.load(board.id)).entries.map((e) => [e.offset, e.seq, e.diff])).toEqual([[1, 2, good]])
  })

  it('drops malformed presence without a fatal and relays none of it', async () => {
    const board = await newBoard()
    const sender = await joined(board.id, 'client-presence-sender')
    const watcher = await joined(board.id, 'client-presence-watcher')
    sender.socket.emit(EV.presence, { record: 'garbage' })
    sender.socket.emit(EV.presence, { record: { ...presenceRecord('anna'), userName: 42 } })
    sender.socket.emit(EV.presence, 'not an envelope')
    // A move before any record has nothing to go with; the others are not moves.
    sender.socket.emit(EV.presence, { move: [1, 2, 3] })
    sender.socket.emit(EV.presence, { move: [null, 2, 3] })
    sender.socket.emit(EV.presence, { move: 'here' })
    sender.socket.emit(EV.presence, { record: null, move: [1, 2, 3] })
    // Sent behind them: once its acknowledgement is here, whatever they caused has been sent too.
    const after = put(geoShape('after'))
    sender.socket.emit(EV.push, { seq: 1, diff: after })
    await until(() => sender.entries().length > 0 && watcher.entries().length > 0, 'the push at both')

    expect(sender.of(EV.fatal)).toEqual([])
    expect(sender.socket.connected).toBe(true)
    expect(sender.entries()).toEqual([{ kind: 'ack', offset: 1, seq: 1 }])
    expect(watcher.of<BatchFrame>(EV.batch).map((f) => readBatch(f, null))).toEqual([{ entries: [{ kind: 'change', offset: 1, diff: after }] }])
  })

  it('relays a cursor’s moves, sent as three values after the record whole, to the others as moves', async () => {
    const board = await newBoard()
    const sender = await joined(board.id, 'client-mover')
    const watcher = await joined(board.id, 'client-move-watcher')
    const { presenceId } = (sender.of<WelcomeMessage>(EV.welcome)[0] ?? {}) as WelcomeMessage
    sender.socket.emit(EV.presence, { record: presenceRecord('anna', { x: 1, y: 1 }) })
    await until(() => watcher.of<BatchFrame>(EV.batch).some((f) => readBatch(f, null).presence?.put.length), 'the record whole')
    sender.socket.emit(EV.presence, { move: [40, -7.5, 1234] })
    const moved = () => watcher.of<BatchFrame>(EV.batch).flatMap((f) => readBatch(f, null).presence?.moved ?? [])
    await until(() => moved().length > 0, 'the move')

    expect(moved()).toEqual([presenceId.slice(PRESENCE_ID_PREFIX.length), 40, -7.5, 1234])
    expect(sender.of(EV.fatal)).toEqual([])
  })
})
