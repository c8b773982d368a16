import { EV, PROTOCOL_VERSION, schemaFingerprint, validateRecord } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { io, type Socket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { BoardState } from '../../../server/src/rooms/boardState.ts'
import { EmbeddedStorage } from '../../../server/src/storage/embedded/embeddedStorage.ts'
import { arrowBinding, arrowShape, geoShape, presenceRecord } from '../../../shared/src/sync/testRecords.ts'
import { act, describeClients, settle } from '../harness/fuzz.ts'
import { headlessClient, sortedById, type HeadlessClient } from '../harness/headlessClient.ts'
import { seededRandom, type Random } from '../harness/random.ts'
import { createBoard, until } from '../harness/server.ts'
import { spawnServer, stopServer, type ServerProcess } from '../harness/serverProcess.ts'

const SEEDS = Number(process.env.HOSTILE_SEEDS ?? 3)
const MESSAGES = Number(process.env.HOSTILE_MESSAGES ?? 400)

/** Anything JSON can say, nested a little. */
function junk(rnd: Random, depth = 0): unknown {
  const pick = rnd.int(depth > 2 ? 6 : 9)
  switch (pick) {
    case 0: return null
    case 1: return rnd.int(2) === 0 ? -rnd.int(1e9) : rnd.next() * 1e12
    case 2: return ['', 'shape:x', '__proto__', 'page:page', 'x'.repeat(rnd.int(3000)), 'document:document'][rnd.int(6)]
    case 3: return rnd.chance(0.5)
    case 4: return undefined
    case 5: return NaN
    case 6: return Array.from({ length: rnd.int(4) }, () => junk(rnd, depth + 1))
    default: {
      const o: Record<string, unknown> = {}
      for (let i = rnd.int(4); i > 0; i--) o[['id', 'typeName', 'props', 'set', 'unset', 'nested', '__proto__', 'x', 'meta', 'parentId'][rnd.int(10)]] = junk(rnd, depth + 1)
      return o
    }
  }
}

/** A valid record with one thing broken, or a valid one: what a buggy or malicious client would send. */
function mutated(rnd: Random, n: number): UnknownRecord {
  const base = [geoShape(`h${n}`), arrowShape(`h${n}`), arrowBinding(`h${n}`, 'shape:nothere', 'shape:nobody', 'end'), presenceRecord(`h${n}`)][rnd.int(4)]
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

function hostileMessage(rnd: Random, boardId: string, n: number): [string, unknown] {
  const roll = rnd.int(10)
  const hello = { protocol: PROTOCOL_VERSION, schema: schemaFingerprint(), boardId, clientId: `hostile${n % 7}xxx`, lastOffset: null }
  if (roll === 0) return [EV.hello, rnd.chance(0.5) ? hello : { ...hello, [rnd.pick(Object.keys(hello))!]: junk(rnd) }]
  if (roll === 1) return [rnd.pick([EV.welcome, EV.batch, EV.saving, 'foo', EV.fatal])!, junk(rnd)]
  if (roll === 2) return [EV.presence, rnd.chance(0.5) ? { record: mutated(rnd, n) } : junk(rnd)]
  if (roll === 3) return [EV.push, junk(rnd)]
  const record = mutated(rnd, n)
  const ops: unknown[] = [['put', record], ['patch', junk(rnd)], ['patch', { set: junk(rnd), nested: { props: { set: junk(rnd) } } }], ['remove'], ['explode', 1]]
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

describe('hostile clients', () => {
  let server: ServerProcess | null = null
  const sockets: Socket[] = []
  const clients: HeadlessClient[] = []
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.disconnect())
    clients.splice(0).forEach((c) => c.close())
    if (server) await stopServer(server, 'SIGKILL')
    server = null
  })

  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: ${MESSAGES} malformed and malicious messages neither crash the server nor corrupt the board`, async () => {
      const rnd = seededRandom(seed * 7919)
      try {
        server = await spawnServer()
        const boardId = await createBoard(server.url, 'Sotto attacco')
        clients.push(headlessClient(server.url, boardId, 'honest1'), headlessClient(server.url, boardId, 'honest2'))
        await until(() => clients.every((c) => c.state.connection === 'online'), 'honest clients online')
        const attackers = Array.from({ length: 3 }, () => io(server!.url, { transports: ['websocket'], forceNew: true }))
        sockets.push(...attackers)
        for (let n = 0; n < MESSAGES; n++) {
          const [event, payload] = hostileMessage(rnd, boardId, n)
          const socket = rnd.pick(attackers)!
          if (!socket.connected) socket.connect()
          socket.emit(event, payload)
          // One honest writer, one watcher: two writers could race each other into a fair
          // rejection, and this test is about what attackers can do to a writer (nothing).
          if (n % 10 === 0) act(clients[0], rnd, n)
          if (n % 25 === 0) await new Promise((r) => setTimeout(r, 5))
        }
        expect((await fetch(`${server.url}/healthz`)).ok).toBe(true)
        await settle(clients, undefined, 20_000).catch((e) => {
          throw new Error(`${(e as Error).message}\n${describeClients(clients)}`)
        })
        expect(server.hasExited()).toBe(false)
        for (const c of clients) expect(c.rejections, `${c.name}'s own edits`).toEqual([])

        await stopServer(server, 'SIGTERM')
        const storage = new EmbeddedStorage(server.dataDir)
        const { snapshot, entries } = await storage.load(boardId)
        const durable = sortedById([...new BoardState(snapshot, entries).records.values()])
        await storage.close()
        expectSoundBoard(durable)
        for (const c of clients) expect(sortedById(c.documentRecords()), c.name).toEqual(durable)
      } catch (e) {
        console.error(`hostile fuzz failed with seed ${seed}: replay with HOSTILE_SEEDS=${seed} (first ${seed} seeds)`)
        throw e
      }
    })
  }
})
