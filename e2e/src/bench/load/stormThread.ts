// One thread of a drag storm's load generator (see dragStorm.ts): it connects its share of the
// clients, drives their drags and cursors while the window is open, and reports what they sent
// and received, stamped with the machine's clock (performance.timeOrigin + performance.now(),
// the same in every thread).
import { geoShape, presenceRecord } from '@opificio/shared/testing'
import type { UnknownRecord } from '@tldraw/store'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { type BoardKey, type Reads, STORM_SHAPE, type WireClient, type WireHandlers } from './dragStorm.ts'
import { WIRES, type WireName } from './wires.ts'

export interface ThreadClient {
  index: number
  board: number
  writer: boolean
  reads: Reads
}

export interface ThreadSetup {
  thread: number
  threads: number
  urls: string[]
  boards: BoardKey[]
  wire: WireName
  clients: ThreadClient[]
  /** Clients of each board that read cursors: a cursor sent is due at each of them but its sender. */
  cursorListeners: number
  dragHz: number
  cursorHz: number
}

/** `at`: when the window opens or closes, on the clock every thread shares (see `now`). */
export type ToThread =
  | { type: 'start' }
  | { type: 'measure'; at: number }
  | { type: 'stop'; at: number }
  | { type: 'settle'; samplesPerBoard: number[] }

export type FromThread =
  | { type: 'ready' }
  /** sent: [sample, sent at, board] triples, flattened. */
  | { type: 'stopped'; samplesPerBoard: number[]; sent: number[]; cursorsSent: number; cursorsDue: number; loopDelayP99: number }
  /** received: [sample, received at] pairs, flattened. */
  | {
      type: 'done'
      received: number[]
      ack: number[]
      cursor: number[]
      cursorsReceived: number
      messages: number
      dropped: number
      lost: number
      unacked: number
    }

/** How often the product's client pushes at most (client/src/sync/SyncClient.ts, pushIntervalMs). */
const PUSH_HZ = 30

interface Client extends ThreadClient {
  wire: WireClient
  shapeId: string
  nextSeq: number
  /** When each of this writer's seqs was sent. */
  sentAt: Map<number, number>
  acked: Set<number>
  /** Samples (as encoded in x) received from others' changes. */
  received: Set<number>
  samplesSent: number
  /** The latest sample not yet pushed: the moves made while the client holds its pushes back are folded into it. */
  latest: { id: number; at: number } | null
}

const setup = workerData as ThreadSetup
const port = parentPort!
const now = () => performance.timeOrigin + performance.now()
const post = (m: FromThread) => port.postMessage(m)

/** From the load's start until its stop: the warm-up and the window. */
let running = false
/** The window: what is sent in it is measured. */
let measuring = false
/** From the window's opening until the report: changes arriving after the window still count. */
let recording = false
const received: number[] = []
const ackLat: number[] = []
/**
 * The window on the shared clock. A cursor is measured when it was sent within it, wherever it
 * arrives: one sent just before the window opened and received in it is not, one sent just
 * before it closed and received after it is. Each thread hears of the window a moment after it
 * opens or closes, so both ends count from the times themselves.
 */
const measuredWindow = { opened: Number.POSITIVE_INFINITY, closed: Number.POSITIVE_INFINITY }
const inWindow = (sentAt: number) => sentAt >= measuredWindow.opened && sentAt <= measuredWindow.closed
/** [sent at, clients it is due at] of every cursor this thread's clients sent, from the load's start. */
const cursorSends: number[] = []
/** [sent at, received at] of every cursor this thread's clients read, until the report. */
const cursorReceipts: number[] = []
let messages = 0
let dropped = 0
const samplesPerBoard = setup.boards.map(() => 0)
const sent: number[] = []
let nextSample = 0
const timers: NodeJS.Timeout[] = []
const loop = monitorEventLoopDelay({ resolution: 10 })

const handlers = (c: Client): WireHandlers => ({
  reads: c.reads,
  acked(seq) {
    const at = c.sentAt.get(seq)
    c.acked.add(seq)
    if (at !== undefined && measuring) ackLat.push(now() - at)
    if (running) release(c)
  },
  moved(x) {
    c.received.add(x)
    if (recording) received.push(x, now())
  },
  cursor(sentAt) {
    if (running || recording) cursorReceipts.push(sentAt, now())
  },
  message() {
    if (measuring) messages++
  },
  dropped() {
    dropped++
  },
})

const clients: Client[] = []
const wire = WIRES[setup.wire]
const seq = (c: Client) => {
  const s = c.nextSeq++
  c.sentAt.set(s, now())
  return s
}

async function join(spec: ThreadClient) {
  const client: Client = {
    ...spec,
    wire: null as never,
    shapeId: `${STORM_SHAPE}${spec.index}`,
    nextSeq: 1,
    sentAt: new Map(),
    acked: new Set(),
    received: new Set(),
    samplesSent: 0,
    latest: null,
  }
  // One board's people share an address, as a room behind one router does; with several boards
  // each has its own (127.0.0.x are all this machine), as tables in different places have.
  const from = setup.boards.length > 1 ? `127.0.0.${2 + (spec.board % 250)}` : undefined
  client.wire = await wire.connect(setup.urls[spec.index % setup.urls.length], setup.boards[spec.board], spec.index, handlers(client), from)
  // A person's presence is on the board from their arrival (the product's client sends it with
  // its welcome), not from the moment their cursor starts moving: 200 records new in the same
  // 50 ms, each sent whole to everyone, is the window's opening, not a room's life.
  if (setup.cursorHz > 0) client.wire.cursor(cursorRecord(client))
  clients.push(client)
}

async function prepare() {
  // In waves, as people arriving in a room do: all at once would be a reconnect storm.
  const wave = Math.ceil(25 / setup.threads)
  for (let i = 0; i < setup.clients.length; i += wave) await Promise.all(setup.clients.slice(i, i + wave).map(join))
  const writers = clients.filter((c) => c.writer)
  // Samples (x) count from 0: a shape starting there would not move on the first.
  for (const w of writers) w.wire.put(seq(w), geoShape(w.shapeId, { x: -1, y: w.index * 10 }))
  const deadline = performance.now() + 30_000
  while (writers.some((w) => !w.acked.has(1))) {
    if (performance.now() > deadline) throw new Error('the writers’ shapes were never acknowledged')
    await new Promise((r) => setTimeout(r, 20))
  }
  post({ type: 'ready' })
}

const presenceRecords = new Map<number, UnknownRecord>()

/** The client's presence record with its cursor where it is now: x is the send time. */
function cursorRecord(c: Client, sentAt = now()): UnknownRecord {
  let record = presenceRecords.get(c.index)
  if (!record) presenceRecords.set(c.index, (record = presenceRecord(`storm${c.index}`)))
  return { ...record, cursor: { x: sentAt, y: c.index, type: 'default', rotation: 0 } } as UnknownRecord
}

/** A sample id no other thread uses. */
const sampleId = () => nextSample++ * setup.threads + setup.thread

/**
 * Pushes the writer's latest sample, as the product's client pushes a change, unless it has as
 * many pushes unacknowledged as its protocol allows: the sample then waits for an ack, and later
 * moves replace it. A change's latency counts from when it was made.
 */
function release(w: Client) {
  if (!w.latest || (wire.maxUnacked !== undefined && w.sentAt.size - w.acked.size >= wire.maxUnacked)) return
  const { id, at } = w.latest
  w.latest = null
  w.samplesSent++
  samplesPerBoard[w.board]++
  if (measuring) sent.push(id, at, w.board)
  w.wire.move(seq(w), w.shapeId, id, w.index * 10 + (id % 7))
}

/**
 * Runs `fn` `hz` times a second for client `index`, from a phase of its own: 200 people's
 * cursors do not tick in the same millisecond, and timers started together would send them in
 * one burst every period, which no room sees.
 */
function every(index: number, hz: number, fn: () => void) {
  const period = 1000 / hz
  timers.push(setTimeout(() => timers.push(setInterval(fn, period)), ((index * 0.6180339887) % 1) * period))
}

function start() {
  running = true
  for (const w of clients.filter((c) => c.writer)) {
    // Faster than a client pushes: the moves in between are folded into the next push.
    const folded = setup.dragHz > PUSH_HZ
    every(w.index, setup.dragHz, () => {
      w.latest = { id: sampleId(), at: now() }
      if (!folded) release(w)
    })
    if (folded) every(w.index, PUSH_HZ, () => release(w))
  }
  if (setup.cursorHz > 0) {
    for (const c of clients) {
      every(c.index, setup.cursorHz, () => {
        const sentAt = now()
        cursorSends.push(sentAt, setup.cursorListeners - (c.reads === 'all' ? 1 : 0))
        c.wire.cursor(cursorRecord(c, sentAt))
      })
    }
  }
}

function measure(at: number) {
  measuredWindow.opened = at
  measuring = true
  recording = true
  loop.enable()
}

function stop(at: number) {
  measuredWindow.closed = at
  for (const t of timers) clearTimeout(t)
  running = false
  measuring = false
  loop.disable()
  let cursorsSent = 0
  let cursorsDue = 0
  for (let i = 0; i < cursorSends.length; i += 2) {
    if (!inWindow(cursorSends[i])) continue
    cursorsSent++
    cursorsDue += cursorSends[i + 1]
  }
  post({ type: 'stopped', samplesPerBoard, sent, cursorsSent, cursorsDue, loopDelayP99: loop.percentile(99) / 1e6 })
}

/** What is still on its way arrives, or counts as lost: every sample is due at every other reading client of its board. */
async function settle(total: number[]) {
  const missing = (c: Client) => (c.reads !== 'none' ? Math.max(0, total[c.board] - c.samplesSent - c.received.size) : 0)
  const settled = () => clients.every((c) => missing(c) === 0 && c.acked.size === c.sentAt.size)
  for (const end = performance.now() + 5000; !settled() && performance.now() < end; ) await new Promise((r) => setTimeout(r, 50))
  recording = false
  const lost = clients.reduce((n, c) => n + missing(c), 0)
  const unacked = clients.reduce((n, w) => n + (w.sentAt.size - w.acked.size), 0)
  for (const c of clients) c.wire.close()
  const cursor: number[] = []
  for (let i = 0; i < cursorReceipts.length; i += 2) if (inWindow(cursorReceipts[i])) cursor.push(cursorReceipts[i + 1] - cursorReceipts[i])
  post({ type: 'done', received, ack: ackLat, cursor, cursorsReceived: cursor.length, messages, dropped, lost, unacked })
}

port.on('message', (m: ToThread) => {
  if (m.type === 'start') start()
  else if (m.type === 'measure') measure(m.at)
  else if (m.type === 'stop') stop(m.at)
  else void settle(m.samplesPerBoard)
})
// A failure (a client never welcomed) ends the thread with an 'error' event, which the storm reports.
await prepare()
