import { EV, PROTOCOL_VERSION, REFUSAL_CODES, schemaFingerprint, validateRecord, type WireEntry } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { io, type Socket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { BoardState, EmbeddedStorage } from '@opificio/server/testing'
import { arrowBinding, arrowShape, geoShape, presenceRecord } from '@opificio/shared/testing'
import { startCluster } from '../harness/cluster.ts'
import { act, describeClients, settle } from '../harness/fuzz.ts'
import { headlessClient, sortedById, type HeadlessClient } from '../harness/headlessClient.ts'
import { seededRandom, type Random } from '../harness/random.ts'
import { deeplyNestedJson } from '../harness/rawClient.ts'
import { createBoard, until, type BoardKey } from '../harness/server.ts'
import { spawnServer, stopServer, type ServerProcess } from '../harness/serverProcess.ts'

const SEEDS = Number(process.env.HOSTILE_SEEDS ?? 3)
const MESSAGES = Number(process.env.HOSTILE_MESSAGES ?? 400)

/** Anything JSON can say, nested a little. */
function junk(rnd: Random, depth = 0): unknown {
  const pick = rnd.int(depth > 2 ? 6 : 9)
  switch (pick) {
    case 0:
      return null
    case 1:
      return rnd.int(2) === 0 ? -rnd.int(1e9) : rnd.next() * 1e12
    case 2:
      return ['', 'shape:x', '__proto__', 'page:page', 'x'.repeat(rnd.int(3000)), 'document:document'][rnd.int(6)]
    case 3:
      return rnd.chance(0.5)
    case 4:
      return undefined
    case 5:
      return NaN
    case 6:
      return Array.from({ length: rnd.int(4) }, () => junk(rnd, depth + 1))
    default: {
      const o: Record<string, unknown> = {}
      for (let i = rnd.int(4); i > 0; i--)
        o[['id', 'typeName', 'props', 'set', 'unset', 'nested', '__proto__', 'x', 'meta', 'parentId'][rnd.int(10)]] = junk(rnd, depth + 1)
      return o
    }
  }
}

/** A valid record with one thing broken, or a valid one: what a buggy or malicious client would send. */
function mutated(rnd: Random, n: number): UnknownRecord {
  const base = [geoShape(`h${n}`), arrowShape(`h${n}`), arrowBinding(`h${n}`, 'shape:nothere', 'shape:nobody', 'end'), presenceRecord(`h${n}`)][
    rnd.int(4)
  ]
  const copy = structuredClone(base) as Record<string, any>
  const keys = [...Object.keys(copy), ...Object.keys(copy.props ?? {}).map((k) => `props.${k}`)]
  const key = rnd.pick(keys)!
  if (rnd.chance(0.8)) {
    const [top, inner] = key.split('.')
    if (inner) copy[top][inner] = junk(rnd)
    else if (rnd.chance(0.5)) delete copy[top]
    else copy[top] = junk(rnd)
  }
  return copy as UnknownRecord
}

/** Rich text tldraw's editor would never make, and which its renderer cannot take. */
function poisonRichText(rnd: Random): unknown {
  return rnd.pick([
    { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'evilNode', text: 'x' }] }] },
    { type: 'paragraph', content: [] },
    { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text' }] }] },
    {
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }],
    },
  ])
}

/**
 * An attack that is more than one message: payloads no encoder can write (sent as raw JSON),
 * huge fields, poison rich text, identity replay, byte amplification, reconnect storms.
 */
type Attack =
  | { kind: 'emit'; event: string; payload: unknown }
  | { kind: 'json'; event: string; json: string }
  | { kind: 'replay' }
  | { kind: 'amplify' }
  | { kind: 'storm'; sockets: number }

function hostileAttack(rnd: Random, board: BoardKey, n: number): Attack {
  const roll = rnd.int(20)
  if (roll === 0) {
    const depth = rnd.pick([100, 4300, 6000])!
    const deep = deeplyNestedJson(depth)
    if (rnd.chance(0.5))
      return {
        kind: 'json',
        event: EV.presence,
        json: `{"record":${JSON.stringify({ ...presenceRecord(`d${n}`), meta: { v: 'DEEP' } }).replace('"DEEP"', deep)}}`,
      }
    return {
      kind: 'json',
      event: EV.push,
      json: `{"seq":${n + 1},"diff":{"shape:deep${n}":["put",${JSON.stringify(geoShape(`deep${n}`, { meta: { v: 'DEEP' } })).replace('"DEEP"', deep)}]}}`,
    }
  }
  if (roll === 1) {
    const huge = 'h'.repeat(rnd.pick([100_000, 1_100_000, 3_000_000])!)
    if (rnd.chance(0.5)) return { kind: 'emit', event: EV.presence, payload: { record: { ...presenceRecord(`h${n}`), userName: huge } } }
    return { kind: 'emit', event: EV.push, payload: { seq: n + 1, diff: { [`shape:huge${n}`]: ['put', geoShape(`huge${n}`, { meta: { huge } })] } } }
  }
  if (roll === 2)
    return {
      kind: 'emit',
      event: EV.push,
      payload: { seq: n + 1, diff: { [`shape:poison${n}`]: ['put', geoShape(`poison${n}`, {}, { richText: poisonRichText(rnd) })] } },
    }
  if (roll === 3) return { kind: 'replay' }
  if (roll === 4) return { kind: 'amplify' }
  if (roll === 5) return { kind: 'storm', sockets: 1 + rnd.int(20) }
  const [event, payload] = hostileMessage(rnd, board, n)
  return { kind: 'emit', event, payload }
}

/** Attackers hold the participants' link, as anyone in the room may: their hellos carry its token (or junk in its place). */
function hostileMessage(rnd: Random, board: BoardKey, n: number): [string, unknown] {
  const roll = rnd.int(10)
  const hello = {
    protocol: PROTOCOL_VERSION,
    schema: schemaFingerprint(),
    boardId: board.id,
    token: board.token,
    clientId: `hostile${n % 7}xxx`,
    lastOffset: null,
  }
  if (roll === 0) return [EV.hello, rnd.chance(0.5) ? hello : { ...hello, [rnd.pick(Object.keys(hello))!]: junk(rnd) }]
  if (roll === 1) return [rnd.pick([EV.welcome, EV.batch, EV.saving, 'foo', EV.fatal])!, junk(rnd)]
  if (roll === 2) {
    const moves = [{ move: [junk(rnd), junk(rnd), junk(rnd)] }, { move: junk(rnd) }, { move: [rnd.next() * 1e6, -rnd.next() * 1e6, rnd.int(1e9)] }]
    return [EV.presence, rnd.chance(0.4) ? { record: mutated(rnd, n) } : rnd.chance(0.5) ? rnd.pick(moves) : junk(rnd)]
  }
  if (roll === 3) return [EV.push, junk(rnd)]
  const record = mutated(rnd, n)
  const ops: unknown[] = [
    ['put', record],
    ['patch', junk(rnd)],
    ['patch', { set: junk(rnd), nested: { props: { set: junk(rnd) } } }],
    ['remove'],
    ['explode', 1],
  ]
  // Junk may have no prototype (a "__proto__" key), so never String() it.
  const asKey = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'))
  const id = asKey(rnd.chance(0.8) ? ((record as { id?: unknown }).id ?? 'shape:x') : junk(rnd))
  return [EV.push, { seq: rnd.chance(0.9) ? n + 1 : junk(rnd), diff: { [id]: rnd.pick(ops) } }]
}

/** Every record valid, every shape on an existing parent, every binding between existing shapes. */
function expectSoundBoard(records: UnknownRecord[]) {
  const ids = new Set<string>(records.map((r) => r.id))
  for (const r of records) {
    expect(() => validateRecord(r)).not.toThrow()
    const rec = r as UnknownRecord & { parentId?: string; fromId?: string; toId?: string }
    if (r.typeName === 'shape') expect(ids.has(rec.parentId!), `parent of ${r.id}`).toBe(true)
    if (r.typeName === 'binding') expect(ids.has(rec.fromId!) && ids.has(rec.toId!), `ends of ${r.id}`).toBe(true)
  }
  expect(records.filter((r) => r.typeName === 'page').length).toBeGreaterThan(0)
}

/** The server under attack: one process on the embedded engine, or one on a private Redis. */
interface Target {
  url: string
  process: ServerProcess
  /** Stops the server and reads the board back as a restarted one would. */
  durable(boardId: string): Promise<UnknownRecord[]>
  stop(): Promise<void>
}

const ENGINES: Record<string, () => Promise<Target>> = {
  embedded: async () => {
    const process = await spawnServer()
    return {
      url: process.url,
      process,
      async durable(boardId) {
        await stopServer(process, 'SIGTERM')
        const storage = new EmbeddedStorage(process.dataDir)
        const { snapshot, entries } = await storage.load(boardId)
        await storage.close()
        return [...new BoardState(snapshot, entries).records.values()]
      },
      stop: async () => void (await stopServer(process, 'SIGKILL')),
    }
  },
  redis: async () => {
    const cluster = await startCluster(1)
    return {
      url: cluster.urls[0],
      process: cluster.nodes[0],
      async durable(boardId) {
        await stopServer(cluster.nodes[0], 'SIGTERM')
        const { snapshot, entries } = await (await cluster.openStorage()).load(boardId)
        return [...new BoardState(snapshot, entries).records.values()]
      },
      stop: () => cluster.stop(),
    }
  },
}

/** What an attacking socket was told: every refusal must say why, with a code. */
function watchRefusals(socket: Socket, uncoded: string[]) {
  socket.on(EV.fatal, (f: { code?: string; message?: string }) => void (!f.code && uncoded.push(`fatal ${f.message}`)))
  socket.on(EV.batch, (b: { own?: WireEntry[] }) => {
    for (const e of b.own ?? [])
      if (e.kind === 'rejected' && !REFUSAL_CODES.includes(e.refusal?.code)) uncoded.push(`refusal ${JSON.stringify(e.refusal)}`)
  })
}

describe.each(Object.keys(ENGINES))('hostile clients, %s engine', (engine) => {
  let target: Target | null = null
  const sockets: Socket[] = []
  const clients: HeadlessClient[] = []
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.disconnect())
    clients.splice(0).forEach((c) => c.close())
    await target?.stop()
    target = null
  })

  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: ${MESSAGES} malformed and malicious messages neither crash the server nor corrupt the board`, async () => {
      const rnd = seededRandom(seed * 7919)
      try {
        target = await ENGINES[engine]()
        const url = target.url
        const board = await createBoard(url, 'Sotto attacco')
        const boardId = board.id
        clients.push(headlessClient(url, board.participant, 'honest1'), headlessClient(url, board.participant, 'honest2'))
        await until(() => clients.every((c) => c.state.connection === 'online'), 'honest clients online')
        clients[0].setPresence(presenceRecord('honest1'))
        const uncoded: string[] = []
        const open = () => {
          const socket = io(url, { transports: ['websocket'], forceNew: true })
          watchRefusals(socket, uncoded)
          sockets.push(socket)
          return socket
        }
        const hello = (socket: Socket, clientId: string, lastOffset: number | null) =>
          socket.emit(EV.hello, {
            protocol: PROTOCOL_VERSION,
            schema: schemaFingerprint(),
            boardId,
            token: board.participant.token,
            clientId,
            lastOffset,
          })
        const attackers = Array.from({ length: 3 }, open)
        const counts: Record<string, number> = {}
        for (let n = 0; n < MESSAGES; n++) {
          const attack = hostileAttack(rnd, board.participant, n)
          counts[attack.kind] = (counts[attack.kind] ?? 0) + 1
          const socket = rnd.pick(attackers)!
          if (!socket.connected) socket.connect()
          if (attack.kind === 'emit') socket.emit(attack.event, attack.payload)
          else if (attack.kind === 'json') socket.io.engine.send(`2${JSON.stringify([attack.event]).slice(0, -1)},${attack.json}]`)
          else if (attack.kind === 'replay') {
            // Every identifier the wire showed about the honest writer, posed as a client id.
            const seen = clients[1].presences().flatMap((p) => [p.id, (p as { userId?: string }).userId ?? ''])
            for (const id of seen.map((x) => x.replace(/^[a-z_]+:/, '')).filter((x) => x.length >= 8)) {
              hello(socket, id, null)
              socket.emit(EV.push, { seq: Number.MAX_SAFE_INTEGER, diff: { 'shape:replayed': ['put', geoShape('replayed')] } })
            }
          } else if (attack.kind === 'amplify') hello(socket, `amplify${n}xx`, 0)
          else for (let i = 0; i < attack.sockets; i++) hello(open(), `storm${n}-${i}xx`, null)
          // One honest writer, one watcher: two writers could race each other into a fair
          // rejection, and this test is about what attackers can do to a writer (nothing).
          if (n % 10 === 0) act(clients[0], rnd, n)
          if (n % 25 === 0) await new Promise((r) => setTimeout(r, 5))
        }
        expect((await fetch(`${url}/healthz`)).ok).toBe(true)
        await settle(clients, undefined, 30_000).catch((e) => {
          throw new Error(`${(e as Error).message}\n${describeClients(clients)}`)
        })
        expect(target.process.hasExited(), target.process.output()).toBe(false)
        for (const c of clients) expect(c.rejections, `${c.name}'s own edits`).toEqual([])
        expect(uncoded, 'refusals without an error code').toEqual([])

        const acked = clients[0].acks.length
        const durable = sortedById(await target.durable(boardId))
        expectSoundBoard(durable)
        for (const c of clients) expect(sortedById(c.documentRecords()), c.name).toEqual(durable)
        console.log(
          `hostile fuzz ${engine} seed ${seed}: ${JSON.stringify(counts)}; honest writer ${acked} acks, all present; ${sockets.length} attacker sockets`
        )
      } catch (e) {
        console.error(`hostile fuzz failed with seed ${seed} (${engine}): replay with HOSTILE_SEEDS=${seed} (first ${seed} seeds)`)
        throw e
      }
    })
  }
})
