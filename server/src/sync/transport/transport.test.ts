import { EV, PROTOCOL_VERSION, schemaFingerprint, type FatalMessage, type WelcomeMessage, welcomeRecords } from '@opificio/shared'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../app.ts'
import { silentLogger } from '../../observability/logger.ts'
import { writerIdentity } from '../writerIdentity.ts'
import { createBoard } from '../../boards/boardService.ts'
import { EmbeddedStorage } from '../../storage/embedded/embeddedStorage.ts'

let app: App
let url: string
let boardId: string
const sockets: Socket[] = []

beforeAll(async () => {
  const storage = new EmbeddedStorage(await mkdtemp(join(tmpdir(), 'opificio-socket-')))
  app = createApp({ storage, clientDist: '/nonexistent', logger: silentLogger })
  url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`
  boardId = (await createBoard(storage, 'Tavolo')).id
})
afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()))
afterAll(() => app.close())

function connect() {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  sockets.push(socket)
  return socket
}

function next<T>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, resolve))
}

const hello = (over: Record<string, unknown> = {}) => ({
  protocol: PROTOCOL_VERSION,
  schema: schemaFingerprint(),
  boardId,
  clientId: 'client-socket-test',
  lastOffset: null,
  ...over,
})

describe('the hello that starts every connection', () => {
  it('welcomes a current client to an existing board with its document', async () => {
    const socket = connect()
    const welcome = next<WelcomeMessage>(socket, EV.welcome)
    socket.emit(EV.hello, hello())
    expect(welcomeRecords(await welcome)!.map((r) => r.typeName)).toContain('page')
  })

  it.each([
    ['a malformed hello', { clientId: 'no' }, 'bad-request'],
    ['a client of an older deploy', { schema: '[1,[]]' }, 'reload'],
    ['another protocol version', { protocol: PROTOCOL_VERSION + 1 }, 'reload'],
    ['a board that does not exist', { boardId: 'doesnotexist0001' }, 'not-found'],
  ])('answers %s with a clear fatal message', async (_what, over, code) => {
    const socket = connect()
    const fatal = next<FatalMessage>(socket, EV.fatal)
    socket.emit(EV.hello, hello(over))
    expect(await fatal).toMatchObject({ code })
    expect((await fatal).message.length).toBeGreaterThan(5)
  })

  it('keeps one session per connection when hellos race, and none once it closes', async () => {
    const socket = connect()
    const welcomed = next<WelcomeMessage>(socket, EV.welcome)
    socket.emit(EV.hello, hello({ clientId: 'client-race-1' }))
    socket.emit(EV.hello, hello({ clientId: 'client-race-1' }))
    await welcomed
    await new Promise((r) => setTimeout(r, 100))
    const room = (await app.rooms.get(boardId))!
    expect([...room.sessions].filter((s) => s.writerId === writerIdentity(boardId, 'client-race-1'))).toHaveLength(1)
    socket.disconnect()
    await new Promise((r) => setTimeout(r, 100))
    expect([...room.sessions].filter((s) => s.writerId === writerIdentity(boardId, 'client-race-1'))).toHaveLength(0)
  })
})
