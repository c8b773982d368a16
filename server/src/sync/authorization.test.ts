import {
  EV,
  linkToken,
  PROTOCOL_VERSION,
  ROLES,
  schemaFingerprint,
  type BatchFrame,
  readBatch,
  type CreatedBoard,
  type DocDiff,
  type FatalMessage,
  type Role,
  type WelcomeMessage,
  type WireEntry,
} from '@opificio/shared'
import { geoShape, presenceRecord } from '@opificio/shared/testing'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createApp, type App } from '../app.ts'
import { silentLogger } from '../observability/logger.ts'
import { EmbeddedStorage } from '../storage/embedded/embeddedStorage.ts'
import { connectRedis } from '../storage/redis/redisCluster.ts'
import { startTestRedis } from '../testing/testRedis.ts'

/**
 * Who may do what, through the real transport: every realtime message type × every kind of
 * token (each role, a replaced one, another board's, none), on the embedded engine and on two
 * nodes sharing one Redis. The HTTP endpoints × roles are in boards/routes.test.ts.
 */

const redis = await startTestRedis()
afterAll(() => redis.stop())

/** Two node URLs: the same node twice on the embedded engine, two nodes on Redis. */
type Nodes = { urls: [string, string]; close(): Promise<void> }

const ENGINES: Record<string, () => Promise<Nodes>> = {
  embedded: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opificio-authz-'))
    const app = createApp({ storage: new EmbeddedStorage(dir, { logger: silentLogger }), clientDist: '/nonexistent', logger: silentLogger })
    const url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`
    return {
      urls: [url, url],
      close: async () => {
        await app.close()
        await rm(dir, { recursive: true, force: true })
      },
    }
  },
  redis: async () => {
    const prefix = `authz${Date.now().toString(36)}:`
    const apps: App[] = []
    for (let i = 0; i < 2; i++) {
      const setup = await connectRedis(redis.url, silentLogger, prefix)
      apps.push(
        createApp({
          storage: setup.storage,
          adapter: setup.adapter,
          onClose: setup.close,
          clientDist: '/nonexistent',
          logger: silentLogger,
          room: { heartbeatMs: 200 },
        })
      )
    }
    const urls = (await Promise.all(apps.map(async (a) => `http://127.0.0.1:${await a.listen(0, '127.0.0.1')}`))) as [string, string]
    return { urls, close: async () => void (await Promise.all(apps.map((a) => a.close()))) }
  },
}

interface Client {
  socket: Socket
  received: { event: string; message: unknown }[]
  entries(): WireEntry[]
}

const clients: Client[] = []
afterEach(() => clients.splice(0).forEach((c) => c.socket.disconnect()))

function connect(url: string): Client {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  const client: Client = {
    socket,
    received: [],
    entries: () => client.received.flatMap((r) => (r.event === EV.batch ? (readBatch(r.message as BatchFrame, null).entries ?? []) : [])),
  }
  socket.onAny((event: string, message: unknown) => client.received.push({ event, message }))
  clients.push(client)
  return client
}

async function until(check: () => boolean, what: string, ms = 10_000) {
  const start = performance.now()
  while (!check()) {
    if (performance.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

let clientIds = 0
/** A client's hello with `token`, answered by a welcome or a fatal. */
async function hello(url: string, boardId: string, token: string | undefined, clientId = `client-authz-${clientIds++}`) {
  const client = connect(url)
  client.socket.emit(EV.hello, {
    protocol: PROTOCOL_VERSION,
    schema: schemaFingerprint(),
    boardId,
    token,
    clientId,
    lastOffset: null,
  })
  await until(() => client.received.some((r) => r.event === EV.welcome || r.event === EV.fatal), 'a welcome or a fatal')
  const answer = client.received.find((r) => r.event === EV.welcome || r.event === EV.fatal)!
  return {
    client,
    welcome: answer.event === EV.welcome ? (answer.message as WelcomeMessage) : null,
    fatal: answer.event === EV.fatal ? (answer.message as FatalMessage) : null,
  }
}

async function createBoard(url: string): Promise<CreatedBoard & { token(role: Role): string }> {
  const res = await fetch(`${url}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Ruoli' }),
  })
  const board = (await res.json()) as CreatedBoard
  return { ...board, token: (role) => linkToken(new URL(board.links[role]).hash)! }
}

const rotate = (url: string, boardId: string, role: Role, token: string) =>
  fetch(`${url}/api/boards/${boardId}/links/${role}/rotate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })

/** What each push does for each role: acknowledged, or refused with this code and no effect. */
const PUSHES: [string, (n: number) => DocDiff, Record<Role, 'ack' | 'forbidden'>][] = [
  ['a new card', (n) => ({ [`shape:card${n}`]: ['put', geoShape(`card${n}`)] }), { facilitator: 'ack', participant: 'ack', projector: 'forbidden' }],
  [
    'a rename of the board’s document',
    (n) => ({ 'document:document': ['patch', { set: { name: `Tavolo ${n}` } }] }),
    { facilitator: 'ack', participant: 'forbidden', projector: 'forbidden' },
  ],
]

describe.each(Object.keys(ENGINES))('who may do what on a board, %s engine', (engine) => {
  let nodes: Nodes
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.socket.disconnect())
    await nodes?.close()
  })

  it('lets each role in with its role, on either node, and nobody with a replaced token, another board’s or none', async () => {
    nodes = await ENGINES[engine]()
    const [a, b] = nodes.urls
    const board = await createBoard(a)
    const other = await createBoard(b)
    for (const url of [a, b]) {
      for (const role of ROLES) expect((await hello(url, board.id, board.token(role))).welcome?.role).toBe(role)
      expect((await hello(url, board.id, other.token('facilitator'))).fatal?.code).toBe('not-found')
      expect((await hello(url, board.id, undefined)).fatal?.code).toBe('not-found')
      expect((await hello(url, 'noboardwiththisid123', board.token('facilitator'))).fatal?.code).toBe('not-found')
    }
    const old = board.token('projector')
    expect((await rotate(b, board.id, 'projector', board.token('facilitator'))).status).toBe(200)
    for (const url of [a, b]) expect((await hello(url, board.id, old)).fatal?.code).toBe('not-found')
  })

  it('answers the HTTP API by role on either node: the board to each link, a replaced one to nobody', async () => {
    nodes = await ENGINES[engine]()
    const [a, b] = nodes.urls
    const board = await createBoard(a)
    const other = await createBoard(b)
    const get = (url: string, token?: string) =>
      fetch(`${url}/api/boards/${board.id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
    for (const url of [a, b]) {
      for (const role of ROLES) expect(((await (await get(url, board.token(role))).json()) as { role: Role }).role).toBe(role)
      expect((await get(url)).status).toBe(401)
      expect((await get(url, other.token('facilitator'))).status).toBe(404)
      expect((await rotate(url, board.id, 'participant', board.token('participant'))).status).toBe(403)
      expect((await rotate(url, board.id, 'participant', board.token('projector'))).status).toBe(403)
    }
    const old = board.token('participant')
    expect((await rotate(a, board.id, 'participant', board.token('facilitator'))).status).toBe(200)
    for (const url of [a, b]) {
      expect((await get(url, old)).status).toBe(404)
      expect((await rotate(url, board.id, 'projector', old)).status).toBe(404)
    }
  })

  it.each(PUSHES)('answers a push of %s by role, and a refused one changes nothing', async (_what, diff, expected) => {
    nodes = await ENGINES[engine]()
    const [a, b] = nodes.urls
    const board = await createBoard(a)
    const watcher = (await hello(b, board.id, board.token('facilitator'))).client
    let seq = 0
    for (const role of ROLES) {
      const { client } = await hello(a, board.id, board.token(role))
      client.socket.emit(EV.push, { seq: 1, diff: diff(seq++) })
      await until(() => client.entries().some((e) => e.kind === 'ack' || e.kind === 'rejected'), `${role}'s answer`)
      const answer = client.entries().find((e) => e.kind === 'ack' || e.kind === 'rejected')!
      if (expected[role] === 'ack') expect(answer).toMatchObject({ kind: 'ack', seq: 1 })
      else
        expect(answer).toEqual({
          kind: 'rejected',
          seq: 1,
          refusal: { code: 'forbidden', params: expect.objectContaining({ role }), detail: expect.any(String) },
        })
    }
    // A last change, after all of them: once the watcher (on the other node) has it, it has
    // everything before it, so what it saw is exactly the allowed changes, in order.
    const allowed = ROLES.filter((r) => expected[r] === 'ack').length
    const last = (await hello(a, board.id, board.token('participant'))).client
    last.socket.emit(EV.push, { seq: 1, diff: { 'shape:last': ['put', geoShape('last')] } })
    await until(() => watcher.entries().some((e) => e.kind === 'change' && 'shape:last' in e.diff), 'the last change at the watcher')
    expect(watcher.entries().map((e) => e.kind)).toEqual(Array(allowed + 1).fill('change'))
    const fresh = await hello(b, board.id, board.token('facilitator'))
    expect(fresh.welcome?.offset).toBe(allowed + 1)
  })

  it('relays the presence of people, never of the projector', async () => {
    nodes = await ENGINES[engine]()
    const [a, b] = nodes.urls
    const board = await createBoard(a)
    const watcher = (await hello(b, board.id, board.token('participant'))).client
    const presences = () =>
      watcher.received.flatMap((r) => (r.event === EV.batch ? (readBatch(r.message as BatchFrame, null).presence?.put ?? []) : []))
    for (const role of ['projector', 'facilitator', 'participant'] as const) {
      const { client } = await hello(a, board.id, board.token(role))
      client.socket.emit(EV.presence, { record: presenceRecord(role) })
    }
    // Sent last from the same node: once it is at the watcher, so is all that went before it.
    const last = (await hello(a, board.id, board.token('participant'))).client
    last.socket.emit(EV.presence, { record: presenceRecord('last') })
    const names = () => new Set(presences().map((p) => (p as { userName?: string }).userName))
    await until(() => names().has('last'), 'the last presence at the watcher')
    // Heartbeats from the other node say the same names again: who, not how often.
    expect([...names()].sort()).toEqual(['facilitator', 'last', 'participant'])
  })

  it('ends, on every node, the sessions of a link the facilitator replaces, and only those', async () => {
    nodes = await ENGINES[engine]()
    const [a, b] = nodes.urls
    const board = await createBoard(a)
    const participantOnB = (await hello(b, board.id, board.token('participant'))).client
    const participantOnA = (await hello(a, board.id, board.token('participant'))).client
    const projector = (await hello(b, board.id, board.token('projector'))).client
    const res = await rotate(a, board.id, 'participant', board.token('facilitator'))
    expect(res.status).toBe(200)
    for (const client of [participantOnA, participantOnB]) {
      await until(() => client.socket.disconnected, 'the participant cut off')
      expect(client.received.filter((r) => r.event === EV.fatal).map((r) => (r.message as FatalMessage).code)).toEqual(['link-replaced'])
    }
    expect(projector.socket.connected).toBe(true)
    const { link } = (await res.json()) as { link: string }
    expect((await hello(b, board.id, linkToken(new URL(link).hash)!)).welcome?.role).toBe('participant')
  })
})

describe.each(Object.keys(ENGINES))('the facilitator’s session controls, %s engine', (engine) => {
  let nodes: Nodes
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.socket.disconnect())
    await nodes?.close()
  })

  /** The session record as the batches a client received left it. */
  const sessionSeen = (client: Client) => {
    let session: Record<string, unknown> | undefined
    for (const e of client.entries()) {
      if (e.kind !== 'change') continue
      const op = e.diff['session:board']
      if (op?.[0] === 'put') session = op[1] as unknown as Record<string, unknown>
      if (op?.[0] === 'patch') session = { ...session, ...op[1].set }
    }
    return session
  }

  it('writes a facilitator’s control for everyone on every node, and refuses anyone else’s with no effect', async () => {
    nodes = await ENGINES[engine]()
    const [a, b] = nodes.urls
    const board = await createBoard(a)
    const watcher = (await hello(b, board.id, board.token('participant'))).client
    for (const role of ['participant', 'projector'] as const) {
      const { client } = await hello(a, board.id, board.token(role))
      client.socket.emit(EV.control, { action: 'phase', phase: 3 })
      await until(() => client.received.some((r) => r.event === EV.refused), `${role}'s refusal`)
      expect(client.received.find((r) => r.event === EV.refused)?.message).toEqual({
        event: 'control',
        refusal: { code: 'forbidden', params: { type: 'session', role }, detail: expect.any(String) },
      })
    }
    const facilitator = (await hello(a, board.id, board.token('facilitator'))).client
    facilitator.socket.emit(EV.control, { action: 'phase', phase: 2 })
    facilitator.socket.emit(EV.control, { action: 'timer-start', ms: 120_000 })
    await until(() => (sessionSeen(watcher)?.timer as { state?: string } | undefined)?.state === 'running', 'the timer at the watcher')
    expect(sessionSeen(watcher)).toMatchObject({ phase: 2, ended: false })
    // Only the facilitator's two controls reached the log.
    expect(watcher.entries().map((e) => e.kind)).toEqual(['change', 'change'])
    const welcome = (await hello(b, board.id, board.token('projector'))).welcome!
    expect(welcome.offset).toBe(2)
    const timer = sessionSeen(watcher)!.timer as { endsAt: number }
    expect(Math.abs(timer.endsAt - 120_000 - welcome.serverTime)).toBeLessThan(5_000)
  })

  it('makes the board read-only for participants while the session is ended, not for the facilitator', async () => {
    nodes = await ENGINES[engine]()
    const [a, b] = nodes.urls
    const board = await createBoard(a)
    const facilitator = (await hello(a, board.id, board.token('facilitator'))).client
    const participant = (await hello(b, board.id, board.token('participant'))).client
    facilitator.socket.emit(EV.control, { action: 'end' })
    await until(() => sessionSeen(participant)?.ended === true, 'the end at the participant')
    const answers = (c: Client) => c.entries().filter((e) => e.kind === 'ack' || e.kind === 'rejected')
    participant.socket.emit(EV.push, { seq: 1, diff: { 'shape:late': ['put', geoShape('late')] } })
    await until(() => answers(participant).length === 1, 'the participant’s answer')
    expect(answers(participant)[0]).toMatchObject({ kind: 'rejected', seq: 1, refusal: { code: 'session-ended' } })
    facilitator.socket.emit(EV.push, { seq: 1, diff: { 'shape:wrap': ['put', geoShape('wrap')] } })
    await until(() => answers(facilitator).length === 1, 'the facilitator’s answer')
    expect(answers(facilitator)[0]).toMatchObject({ kind: 'ack', seq: 1 })
    facilitator.socket.emit(EV.control, { action: 'reopen' })
    await until(() => sessionSeen(participant)?.ended === false, 'the reopening at the participant')
    participant.socket.emit(EV.push, { seq: 2, diff: { 'shape:again': ['put', geoShape('again')] } })
    await until(() => answers(participant).length === 2, 'the participant’s second answer')
    expect(answers(participant)[1]).toMatchObject({ kind: 'ack', seq: 2 })
  })
})

describe.each(Object.keys(ENGINES))('an anonymous dot vote, %s engine', (engine) => {
  let nodes: Nodes
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.socket.disconnect())
    await nodes?.close()
  })

  /** The board's records as the batches a client received left them. */
  const recordsSeen = (client: Client) => {
    const records = new Map<string, Record<string, unknown>>()
    for (const e of client.entries()) {
      if (e.kind !== 'change') continue
      for (const [id, op] of Object.entries(e.diff)) {
        if (op[0] === 'put') records.set(id, op[1] as unknown as Record<string, unknown>)
        else if (op[0] === 'remove') records.delete(id)
        else records.set(id, { ...records.get(id), ...op[1].set })
      }
    }
    return records
  }
  const ofType = (client: Client, type: string) => [...recordsSeen(client).values()].filter((r) => r.typeName === type)
  const lastDots = (c: Client) =>
    c.received.filter((r) => r.event === EV.dots).at(-1)?.message as { mine: Record<string, number>; left: number } | undefined
  const refusals = (c: Client) =>
    c.received.filter((r) => r.event === EV.refused).map((r) => (r.message as { refusal: { code: string } }).refusal.code)

  it('seals each dot until the reveal, counts them then, and keeps no trace of who voted for what', async () => {
    nodes = await ENGINES[engine]()
    const [a, b] = nodes.urls
    const board = await createBoard(a)
    // The projector on the other node watches from the start: everything reaches it in batches.
    const watcher = (await hello(b, board.id, board.token('projector'))).client
    const facilitator = (await hello(a, board.id, board.token('facilitator'))).client
    facilitator.socket.emit(EV.push, { seq: 1, diff: { 'shape:one': ['put', geoShape('one')], 'shape:two': ['put', geoShape('two')] } })
    await until(() => recordsSeen(watcher).has('shape:two'), 'the cards at the watcher')

    // Only the facilitator opens a vote.
    const annaKey = `client-anna-${clientIds++}`
    const anna = (await hello(a, board.id, board.token('participant'), annaKey)).client
    anna.socket.emit(EV.control, { action: 'vote-open', targets: ['shape:one', 'shape:two'], dots: 2 })
    facilitator.socket.emit(EV.control, { action: 'vote-open', targets: ['shape:one', 'shape:two'], dots: 2 })
    await until(() => ofType(watcher, 'vote').length === 1, 'the vote at the watcher')
    const voteId = ofType(watcher, 'vote')[0].id as string
    expect(ofType(watcher, 'vote')[0]).toMatchObject({ state: 'open', dots: 2, results: null })

    const bruno = (await hello(b, board.id, board.token('participant'))).client
    const ballot = (c: Client, target: string, op: 'add' | 'remove' = 'add') => c.socket.emit(EV.ballot, { voteId, target, op })
    ballot(anna, 'shape:one')
    ballot(anna, 'shape:two')
    ballot(anna, 'shape:two')
    await until(() => refusals(anna).includes('no-dots-left'), 'anna’s third dot refused')
    ballot(anna, 'shape:two', 'remove')
    ballot(anna, 'shape:one')
    await until(() => lastDots(anna)?.mine['shape:one'] === 2, 'anna’s dots told to her')
    expect(lastDots(anna)).toEqual({ voteId, mine: { 'shape:one': 2 }, left: 0 })
    ballot(bruno, 'shape:two')
    const projector = (await hello(a, board.id, board.token('projector'))).client
    ballot(projector, 'shape:one')
    await until(() => refusals(projector).length === 1, 'the projector refused')
    expect(refusals(projector)).toEqual(['forbidden'])
    await until(() => ofType(watcher, 'dot').length === 3 && lastDots(bruno) !== undefined, 'three dots on the board')
    expect(refusals(anna)).toEqual(['forbidden', 'no-dots-left'])

    // Anna's tab comes back on the other node, which never saw her vote: her dots are still hers
    // to take back, and still count against her limit.
    anna.socket.disconnect()
    const annaAgain = (await hello(b, board.id, board.token('participant'), annaKey)).client
    await until(() => lastDots(annaAgain) !== undefined, 'anna told her dots on the other node')
    expect(lastDots(annaAgain)).toEqual({ voteId, mine: { 'shape:one': 2 }, left: 0 })
    ballot(annaAgain, 'shape:two')
    await until(() => refusals(annaAgain).includes('no-dots-left'), 'a third dot refused on the other node')
    ballot(annaAgain, 'shape:one', 'remove')
    await until(() => lastDots(annaAgain)?.left === 1, 'a dot taken back on the other node')
    await until(() => ofType(watcher, 'dot').length === 2, 'the dot gone from the board')
    ballot(annaAgain, 'shape:one')
    await until(() => ofType(watcher, 'dot').length === 3, 'the dot placed again')

    // Sealed: the board shows three dots, not where they are, nor whose.
    for (const dot of ofType(watcher, 'dot')) {
      expect(Object.keys(dot).sort()).toEqual(['id', 'meta', 'sealed', 'typeName', 'voteId'])
      expect(JSON.stringify(dot)).not.toMatch(/shape:|one|two/)
    }
    expect(ofType(watcher, 'vote')[0].results).toBeNull()

    facilitator.socket.emit(EV.control, { action: 'vote-reveal', voteId })
    await until(() => ofType(watcher, 'vote')[0]?.state === 'revealed', 'the reveal at the watcher')
    expect(ofType(watcher, 'vote')[0].results).toEqual({ 'shape:one': 2, 'shape:two': 1 })
    expect(ofType(watcher, 'dot')).toEqual([])
    // Too late to vote.
    ballot(bruno, 'shape:one')
    await until(() => refusals(bruno).includes('vote-closed'), 'a dot after the reveal refused')

    // The facilitator takes the counts off the elements, and puts them back; nobody else can.
    annaAgain.socket.emit(EV.control, { action: 'vote-results', voteId, shown: false })
    facilitator.socket.emit(EV.control, { action: 'vote-results', voteId, shown: false })
    await until(() => ofType(watcher, 'vote')[0]?.hidden === true, 'the results hidden at the watcher')
    expect(refusals(annaAgain)).toContain('forbidden')
    facilitator.socket.emit(EV.control, { action: 'vote-results', voteId, shown: true })
    await until(() => ofType(watcher, 'vote')[0]?.hidden === false, 'the results shown again')
    expect(ofType(watcher, 'vote')[0].results).toEqual({ 'shape:one': 2, 'shape:two': 1 })

    // The results are part of the board for anyone who opens it later, on either node.
    for (const url of [a, b]) {
      const late = (await hello(url, board.id, board.token('participant'))).welcome!
      const records = JSON.parse(new TextDecoder().decode(late.document as Uint8Array)) as { typeName: string; results?: unknown }[]
      expect(records.filter((r) => r.typeName === 'vote').map((r) => r.results)).toEqual([{ 'shape:one': 2, 'shape:two': 1 }])
      expect(records.filter((r) => r.typeName === 'dot')).toEqual([])
    }
  })
})
