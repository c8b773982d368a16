import { EV, type DocDiff } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { readdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BoardState, EmbeddedStorage, type LogEntry } from '@opificio/server/testing'
import { geoShape } from '@opificio/shared/testing'
import { headlessClient, sortedById, type HeadlessClient } from '../harness/headlessClient.ts'

type SocketClient = ReturnType<typeof headlessClient>
import { seededRandom, type Random } from '../harness/random.ts'
import { createBoard, httpJson, until } from '../harness/server.ts'
import { freePort, spawnServer, stopServer, type ServerProcess } from '../harness/serverProcess.ts'

const CLIENTS = 3
/** Each crash comes after at least this long of writing since the previous (re)start... */
const WRITE_BEFORE_KILL_MS = 1500
/** ...and after at least this many new acknowledgements. */
const MIN_ACKS_BEFORE_KILL = 40

// ---------------------------------------------------------------------------------------------
// Writers: each client keeps creating its own shapes and moving them. Only the owner of a shape
// ever changes it, so what the board must end up holding is known here, independently.

interface Writer {
  client: SocketClient
  /** Every shape this client created, with the last x it gave it. */
  model: Map<string, number>
  /** Every push this client emitted, by seq (a re-send must carry the same diff). */
  sent: Map<number, DocDiff>
  resentWithOtherDiff: number[]
  /** Own shapes that vanished from this client's store (only the owner ever changes them). */
  lostLocally: string[]
  stop(): void
}

function startWriter(client: SocketClient, rnd: Random): Writer {
  const model = new Map<string, number>()
  const sent = new Map<number, DocDiff>()
  const resentWithOtherDiff: number[] = []
  const lostLocally: string[] = []
  client.socket.onAnyOutgoing((event: string, payload: unknown) => {
    if (event !== EV.push) return
    const push = payload as { seq: number; diff: DocDiff }
    const diff = structuredClone(push.diff)
    const earlier = sent.get(push.seq)
    if (earlier && JSON.stringify(earlier) !== JSON.stringify(diff)) resentWithOtherDiff.push(push.seq)
    if (!earlier) sent.set(push.seq, diff)
  })
  let n = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  const step = () => {
    const own = [...model.keys()]
    if (own.length < 3 || rnd.chance(0.6)) {
      const shape = geoShape(`${client.name}-${n++}`, { x: rnd.int(1000), y: rnd.int(800) })
      client.store.put([shape as never])
      model.set(shape.id, (shape as UnknownRecord & { x: number }).x)
    } else {
      const id = rnd.pick(own)!
      const current = client.store.get(id as never) as (UnknownRecord & { x: number }) | undefined
      if (current) {
        const x = rnd.int(1000)
        client.store.put([{ ...current, x } as never])
        model.set(id, x)
      } else {
        // Never deleted by anyone: it can only be gone if the server lost it. Stop moving it; the test fails at the end.
        lostLocally.push(id)
        model.delete(id)
      }
    }
    timer = setTimeout(step, 1 + rnd.int(5))
  }
  timer = setTimeout(step, rnd.int(5))
  return {
    client,
    model,
    sent,
    resentWithOtherDiff,
    lostLocally,
    stop: () => {
      if (timer) clearTimeout(timer)
      timer = null
    },
  }
}

/** The shape ids a push created (its puts of records not yet in the document are creations; here every put is). */
function createdIds(diff: DocDiff | undefined): string[] {
  return Object.entries(diff ?? {}).flatMap(([id, op]) => (op[0] === 'put' && id.startsWith('shape:') ? [id] : []))
}

const totalAcks = (clients: HeadlessClient[]) => clients.reduce((n, c) => n + c.acks.length, 0)

const describeClients = (clients: HeadlessClient[]) =>
  JSON.stringify(clients.map((c) => ({ name: c.name, ...c.state, lastOffset: c.sync.lastOffset, connected: c.link.connected })))

// ---------------------------------------------------------------------------------------------

/** The offsets of the snapshots compaction has written so far (file names in the board's directory). */
function snapshotOffsetsOnDisk(dataDir: string, boardId: string): number[] {
  try {
    return readdirSync(join(dataDir, 'boards', boardId)).flatMap((n) => {
      const m = /^snapshot-(\d+)\.json$/.exec(n)
      return m ? [Number(m[1])] : []
    })
  } catch {
    return []
  }
}

interface Round {
  /** Besides a minimum of writing time and acknowledgements: wait for this many compactions before the kill. */
  compactionsBefore?: number
}

interface Crash {
  /** Per client, the acknowledgements it had received when the server was killed. */
  acks: { seq: number; offset: number }[][]
  newAcks: number
  unconfirmedAtKill: number
  compactedAt: number[]
  startupMs: number
  reconnectMs: number
}

async function crashScenario(label: string, rounds: Round[], cleanups: (() => Promise<unknown> | void)[]) {
  const rnd = seededRandom(Number(process.env.CRASH_SEED ?? 7))
  const dataDir = await mkdtemp(join(tmpdir(), 'opificio-crash-'))
  if (process.env.CRASH_KEEP_DATA) console.log(`crash (${label}): data kept in ${dataDir}`)
  else cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
  const servers: ServerProcess[] = []
  cleanups.push(() => Promise.all(servers.map((s) => stopServer(s, 'SIGKILL'))))
  const port = await freePort()

  const track = (s: ServerProcess) => (servers.push(s), s)
  let server = track(await spawnServer({ port, dataDir }))
  const board = await createBoard(server.url, 'Tavolo che cade')
  const boardId = board.id

  const clients = Array.from({ length: CLIENTS }, (_, i) => headlessClient(server.url, board.participant, `c${i}`))
  const writers: Writer[] = []
  cleanups.push(() => {
    for (const w of writers) w.stop()
    for (const c of clients) c.close()
  })
  await until(
    () => clients.every((c) => c.state.connection === 'online'),
    () => `clients online: ${describeClients(clients)}`
  )
  for (const c of clients) writers.push(startWriter(c, rnd))

  const crashes: Crash[] = []
  for (const [round, { compactionsBefore = 0 }] of rounds.entries()) {
    const since = Date.now()
    const acksAtStart = totalAcks(clients)
    // A compaction deletes the previous snapshot file: remember every one seen while polling.
    const compactedBefore = new Set(snapshotOffsetsOnDisk(dataDir, boardId))
    const seen = new Set<number>()
    const compactedSince = () => {
      for (const o of snapshotOffsetsOnDisk(dataDir, boardId)) if (!compactedBefore.has(o)) seen.add(o)
      return [...seen]
    }
    // Once compacted enough, write some more: acknowledged entries past the last snapshot are what a crash could lose.
    let acksWhenCompacted = compactionsBefore === 0 ? acksAtStart : Infinity
    await until(
      () => {
        if (acksWhenCompacted === Infinity && compactedSince().length >= compactionsBefore) acksWhenCompacted = totalAcks(clients)
        return Date.now() - since >= WRITE_BEFORE_KILL_MS && totalAcks(clients) - acksWhenCompacted >= MIN_ACKS_BEFORE_KILL
      },
      () =>
        `round ${round}: ${compactedSince().length} of ${compactionsBefore} compactions, then ` +
        `${Math.max(0, totalAcks(clients) - acksWhenCompacted)} of ${MIN_ACKS_BEFORE_KILL} acknowledgements; ${describeClients(clients)}`,
      120_000
    )
    expect(
      clients.every((c) => c.state.connection === 'online'),
      'every client online before the kill'
    ).toBe(true)

    // The crash: no chance to flush, close or say goodbye. The writers keep going throughout.
    const acks = clients.map((c) => c.acks.slice())
    const unconfirmedAtKill = clients.reduce((n, c) => n + c.state.unconfirmed, 0)
    server.child.kill('SIGKILL')
    const { signal } = await server.exited
    expect(signal).toBe('SIGKILL')
    const compactedAt = compactedSince()
    await until(
      () => clients.every((c) => c.state.connection !== 'online'),
      () => `clients to notice the crash: ${describeClients(clients)}`
    )

    server = track(await spawnServer({ port, dataDir }))
    const listening = Date.now()
    await until(
      () => clients.every((c) => c.state.connection === 'online'),
      () => `clients back online after restart ${round + 1}: ${describeClients(clients)}`,
      60_000
    )
    const reconnectMs = Date.now() - listening
    // Each client is now the restarted server's board plus its own unconfirmed changes: everything
    // acknowledged before the kill must be there, and the server must not have gone back in time.
    const lastAcked = Math.max(0, ...acks.flat().map((a) => a.offset))
    for (const c of clients) {
      expect(c.sync.lastOffset ?? -1, `${c.name}: the restarted server's offset vs the last acknowledged ${lastAcked}`).toBeGreaterThanOrEqual(
        lastAcked
      )
      const missing = acks.flatMap((own, i) =>
        own.flatMap((ack) =>
          createdIds(writers[i].sent.get(ack.seq))
            .filter((id) => !c.store.has(id as never))
            .map((id) => `${id} (${writers[i].client.name}#${ack.seq}@${ack.offset})`)
        )
      )
      expect(missing.slice(0, 5), `${c.name} after restart ${round + 1}: acknowledged shapes missing (${missing.length} in all)`).toEqual([])
    }
    const res = await httpJson('GET', `${server.url}/api/boards/${boardId}`, undefined, { token: board.participant.token })
    expect(res.status, 'GET /api/boards/:id after the restart').toBe(200)
    expect((res.json as { id: string }).id).toBe(boardId)
    crashes.push({
      acks,
      newAcks: acks.reduce((n, a) => n + a.length, 0) - acksAtStart,
      unconfirmedAtKill,
      compactedAt,
      startupMs: server.startupMs,
      reconnectMs,
    })
  }

  // Keep writing a little on the last restarted server, then stop and let everything settle.
  const sinceLast = totalAcks(clients)
  await until(() => totalAcks(clients) - sinceLast >= 10, 'acknowledgements after the last restart', 60_000)
  for (const w of writers) w.stop()
  await until(
    () =>
      clients.every((c) => c.state.connection === 'online' && c.state.unconfirmed === 0) &&
      clients.every((c) => c.sync.lastOffset !== null && c.sync.lastOffset === clients[0].sync.lastOffset),
    () => `every client confirmed and at the same offset: ${describeClients(clients)}`,
    60_000
  )
  // Everything settled: nothing can be in flight, since every push is acknowledged and each
  // client has seen every acknowledgement of the others up to the same offset.
  const settledOffset = clients[0].sync.lastOffset!

  // A fresh client loads the board from the restarted server.
  const fresh = headlessClient(server.url, board.participant, 'fresh')
  cleanups.push(() => fresh.close())
  await until(
    () => fresh.state.connection === 'online',
    () => `a fresh client online: ${JSON.stringify(fresh.state)}`
  )
  expect(fresh.sync.lastOffset).toBe(settledOffset)
  const boardRes = await httpJson('GET', `${server.url}/api/boards/${boardId}`, undefined, { token: board.participant.token })
  expect(boardRes.status, 'GET /api/boards/:id at the end').toBe(200)

  // Read what is durable independently of the server process: stop it, open the directory.
  await stopServer(server, 'SIGTERM')
  expect((await server.exited).code, `the server stops cleanly on SIGTERM:\n${server.output()}`).toBe(0)
  const storage = new EmbeddedStorage(dataDir)
  cleanups.push(() => storage.close())
  const { snapshot, entries } = await storage.load(boardId)
  const durable = new BoardState(snapshot, entries)
  const durableRecords = sortedById([...durable.records.values()])

  // (b) first, as it names the first acknowledged change that went missing: nothing acknowledged
  // before a crash was lost. The log holds, at each acknowledged offset, exactly that client's push
  // (same seq, same diff as it sent), and the shapes it created are on the board.
  const logged = new Map<number, LogEntry>(entries.map((e) => [e.offset, e]))
  let checkedInLog = 0
  let checkedInSnapshot = 0
  for (const crash of crashes) {
    crash.acks.forEach((acks, i) => {
      const w = writers[i]
      for (const ack of acks) {
        const pushed = w.sent.get(ack.seq)
        expect(pushed, `${w.client.name} sent seq ${ack.seq}`).toBeDefined()
        if (ack.offset <= snapshot.offset) {
          checkedInSnapshot++
          expect(snapshot.clientSeqs[w.client.writerId] ?? 0).toBeGreaterThanOrEqual(ack.seq)
        } else {
          checkedInLog++
          const entry = logged.get(ack.offset)
          expect(entry && { clientId: entry.clientId, seq: entry.seq, diff: entry.diff }, `ack ${w.client.name}#${ack.seq}@${ack.offset}`).toEqual({
            clientId: w.client.writerId,
            seq: ack.seq,
            diff: pushed,
          })
        }
        for (const id of createdIds(pushed)) expect(durable.records.has(id), `${id} of acknowledged ${w.client.name}#${ack.seq}`).toBe(true)
      }
    })
  }
  expect(checkedInLog + checkedInSnapshot).toBe(crashes.reduce((n, c) => n + c.acks.flat().length, 0))

  // (a) All equal: the durable board, every writer, the fresh client.
  expect(durable.offset, 'the durable log ends where the clients are').toBe(settledOffset)
  for (const c of [...clients, fresh]) {
    expect(sortedById(c.documentRecords()), `client ${c.name} equals the durable board`).toEqual(durableRecords)
  }
  // ...and that board is exactly what the writers wrote, by their own account: no shape lost, none extra.
  const expectedShapes = new Map<string, number>()
  for (const w of writers) for (const [id, x] of w.model) expectedShapes.set(id, x)
  const durableShapes = new Map(
    [...durable.records.values()].filter((r) => r.typeName === 'shape').map((r) => [r.id, (r as UnknownRecord & { x: number }).x])
  )
  expect(Object.fromEntries([...durableShapes].sort()), 'every shape written, with its last x').toEqual(
    Object.fromEntries([...expectedShapes].sort())
  )
  for (const c of clients) expect(c.rejections, `rejections of ${c.name}`).toEqual([])
  for (const w of writers) expect(w.resentWithOtherDiff, `${w.client.name} re-sent a seq with another diff`).toEqual([])
  for (const w of writers) expect(w.lostLocally, `${w.client.name}: own shapes that vanished`).toEqual([])

  // Every push is stored exactly once (a re-send after a crash is not logged again), in seq order,
  // with the diff its client sent; and every acknowledgement, before or after a crash, points at it.
  for (const w of writers) {
    const own = entries.filter((e) => e.clientId === w.client.writerId)
    for (let i = 1; i < own.length; i++) expect(own[i].seq, `${w.client.name} log seqs increase`).toBeGreaterThan(own[i - 1].seq)
    for (const e of own) expect(e.diff, `${w.client.name}#${e.seq}@${e.offset} is what it sent`).toEqual(w.sent.get(e.seq))
    const acked = w.client.acks
    for (let i = 1; i < acked.length; i++) {
      expect(acked[i].seq, `${w.client.name} acked seqs increase`).toBeGreaterThan(acked[i - 1].seq)
      expect(acked[i].offset, `${w.client.name} acked offsets increase`).toBeGreaterThan(acked[i - 1].offset)
    }
    for (const ack of acked) {
      if (ack.offset <= snapshot.offset) continue
      const e = logged.get(ack.offset)
      expect(e && [e.clientId, e.seq], `ack ${w.client.name}#${ack.seq}@${ack.offset}`).toEqual([w.client.writerId, ack.seq])
    }
    // Every push it sent was acknowledged in the end.
    expect(acked.at(-1)?.seq).toBe(Math.max(...w.sent.keys()))
  }

  for (const crash of crashes) expect(crash.newAcks).toBeGreaterThanOrEqual(MIN_ACKS_BEFORE_KILL)
  const serverErrors = servers.flatMap((s) => s.output().split('\n')).filter((l) => /fail|error/i.test(l))
  expect(serverErrors, 'errors logged by the server processes').toEqual([])

  console.log(
    `crash summary (${label}): ${crashes
      .map(
        (c, i) =>
          `kill ${i + 1}: ${c.newAcks} new acks before kill (${c.acks.flat().length} in all), ${c.unconfirmedAtKill} unconfirmed, ` +
          `${c.compactedAt.length ? `compacted at ${c.compactedAt.sort((a, b) => a - b).join('/')}, ` : ''}` +
          `restart ${c.startupMs} ms, reconnect ${c.reconnectMs} ms after listening`
      )
      .join('; ')}; log: ${durable.offset} entries (snapshot at ${snapshot.offset}, ${entries.length} after it), ` +
      `${durableShapes.size} shapes; pre-kill acks checked in log ${checkedInLog}, in snapshot ${checkedInSnapshot}`
  )
}

describe('crash', () => {
  const cleanups: (() => Promise<unknown> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('a real server process killed with SIGKILL while clients write; restarted; every acknowledged change present, the board loads', async () => {
    await crashScenario('two crashes while writing', [{}, {}], cleanups)
  })

  it('the same, killed after the log has been compacted twice while clients write', async () => {
    // Compaction swaps log segments and deletes old ones: a crash after two of them has the
    // restarted server find the board only through the newer segment files and a snapshot.
    await crashScenario('crashes after compactions', [{ compactionsBefore: 2 }, {}], cleanups)
  })
})
