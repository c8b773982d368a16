import { EV, PROTOCOL_VERSION, schemaFingerprint, type BatchFrame, type HelloMessage, type WelcomeMessage, type WireEntry } from '@opificio/shared'
import { geoShape, presenceRecord } from '@opificio/shared/testing'
import type { UnknownRecord } from '@tldraw/store'
import { randomBytes } from 'node:crypto'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { io } from 'socket.io-client'
import { parserFor } from './countingParser.ts'

export interface BoardKey {
  id: string
  token: string
}

export interface StormOptions {
  /** The server nodes; clients are spread over them in turn. */
  urls: string[]
  board: BoardKey
  /** Further boards under the same load at once (many boards); `clients` and `writers` are per board. */
  moreBoards?: BoardKey[]
  clients: number
  /** How many of the clients drag a shape of their own. */
  writers: number
  dragHz: number
  /** 0: nobody sends a cursor. */
  cursorHz: number
  seconds: number
  /** The protocol the clients speak: Opificio's (the default, which the floor relay speaks too) or tldraw's. */
  wire?: StormWire
  /** Called when the measured window opens, for what is measured alongside the storm. */
  started?: () => void
  /**
   * How many clients of each board read the changes they receive and measure them (the writers
   * always do; 25 by default), and how many of those read the cursors too (10 by default). The
   * others only count their messages: the server sends them the same bytes either way, and 300
   * clients decoding every cursor in this one process would measure the generator, where each
   * person has a device of their own.
   */
  listeners?: number
  cursorListeners?: number
}

/**
 * What a client reads of what it receives: everything, the changes (and its acks) but not the
 * cursors, or nothing (it counts its messages). A wire may read more than asked, never less.
 */
export type Reads = 'all' | 'changes' | 'none'

export interface Latencies {
  n: number
  p50: number
  p95: number
  p99: number
  max: number
}

export interface StormResult {
  change: Latencies
  ack: Latencies
  cursor: Latencies & { deliveredPct: number }
  /** With several boards: how each board's change p99 is spread over the boards. */
  boardP99: Latencies
  changesPerSecond: number
  /** Messages received by all clients, per second. */
  messagesPerSecond: number
  /** Changes a writer sent that some other client of its board never received, and pushes never acknowledged. */
  lost: number
  unacked: number
  /** Clients whose connection the server (or the network) ended during the run. */
  dropped: number
  /** The generator's own load: when it nears 100 % of a core, its latencies are its own as much as the server's. */
  generator: { cpuPct: number; loopDelayP99: number }
}

/** What a connected client hears, whatever the protocol. */
export interface WireHandlers {
  /** What this client reads of its messages (see StormOptions.listeners). */
  readonly reads: Reads
  /** This client's push `seq` was acknowledged. */
  acked(seq: number): void
  /** Another client's shape moved to x = `sample`. */
  moved(sample: number): void
  /** Another client's cursor, sent at `sentAt` (its x). */
  cursor(sentAt: number): void
  /** One message arrived (whatever it carries). */
  message(): void
  /** The connection ended without the client closing it. */
  dropped(): void
}

export interface WireClient {
  put(seq: number, shape: UnknownRecord): void
  move(seq: number, shapeId: string, x: number, y: number): void
  cursor(record: UnknownRecord): void
  close(): void
}

export interface StormWire {
  /** Connects one client, from the local address `from` if given, and resolves once it has joined the board. */
  connect(url: string, board: BoardKey, index: number, handlers: WireHandlers, from?: string): Promise<WireClient>
}

/** How often the product's client pushes at most (client/src/sync/SyncClient.ts, pushIntervalMs). */
const PUSH_HZ = 30

/** The hello of a new client (no offset yet) on `board`. */
export function freshHello(board: BoardKey): HelloMessage {
  return {
    protocol: PROTOCOL_VERSION,
    schema: schemaFingerprint(),
    boardId: board.id,
    token: board.token,
    clientId: randomBytes(16).toString('base64url'),
    lastOffset: null,
  }
}

/**
 * Opificio's protocol over Socket.IO; the floor relay speaks enough of it. The receive path
 * (`batch`) is the one place that knows how the server frames what it sends.
 */
export const opificioWire: StormWire = {
  connect(url, board, index, h, from) {
    // engine.io-client hands localAddress to its WebSocket, though its typings do not say so.
    const socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(parserFor(h.reads) ? { parser: parserFor(h.reads) } : {}),
      ...(from ? { localAddress: from } : {}),
    })
    // This client's own presence id, which batches carry with everyone's.
    let presenceId: string | null = null
    socket.on(EV.batch, (frame: BatchFrame) => {
      h.message()
      if (h.reads === 'none') return
      // Read as readBatch does, without its validation: 200 clients share this process's core,
      // where each browser would have its own.
      const shared = frame.shared ?? {}
      const own = new Set<number | undefined>()
      for (const e of frame.own ?? []) {
        own.add(e.offset)
        onEntry(e)
      }
      for (const e of shared.entries ?? []) if (!own.has(e.offset)) onEntry(e)
      if (h.reads !== 'all') return
      const cursors = [
        ...(shared.presence?.put ?? []).map((r) => [r.id, r] as const),
        ...(shared.presence?.changed ?? []).map((c) => [c.id, c.patch.set ?? {}] as const),
      ]
      for (const [id, fields] of cursors) {
        const x = (fields as { cursor?: { x: number } }).cursor?.x
        if (typeof x === 'number' && id !== presenceId) h.cursor(x)
      }
    })
    function onEntry(e: WireEntry) {
      if (e.kind === 'ack') return h.acked(e.seq)
      if (e.kind !== 'change') return
      for (const op of Object.values(e.diff)) {
        if (op[0] !== 'patch') continue
        const x = (op[1].set as { x?: unknown } | undefined)?.x
        if (typeof x === 'number') h.moved(x)
      }
    }
    const client: WireClient = {
      put: (seq, shape) => socket.emit(EV.push, { seq, diff: { [shape.id]: ['put', shape] } }),
      move: (seq, id, x, y) => socket.emit(EV.push, { seq, diff: { [id]: ['patch', { set: { x, y } }] } }),
      cursor: (record) => socket.volatile.emit(EV.presence, { record }),
      close: () => socket.disconnect(),
    }
    socket.on('disconnect', (reason) => reason !== 'io client disconnect' && h.dropped())
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client ${index}: no welcome in 30 s`)), 30_000)
      socket.once(EV.welcome, (w: WelcomeMessage) => {
        presenceId = w.presenceId
        clearTimeout(timer)
        resolve(client)
      })
      socket.once(EV.fatal, (f: unknown) => reject(new Error(`client ${index}: ${JSON.stringify(f)}`)))
      const send = () => socket.emit(EV.hello, freshHello(board))
      if (socket.connected) send()
      else socket.once('connect', send)
    })
  },
}

export function latencies(values: number[]): Latencies {
  const s = Float64Array.from(values).sort()
  const at = (p: number) => (s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))])
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s.length ? s[s.length - 1] : Number.NaN }
}

interface Client {
  index: number
  board: number
  wire: WireClient
  writer: boolean
  reads: Reads
  shapeId: string
  nextSeq: number
  /** send time of each of this writer's seqs */
  sentAt: Map<number, number>
  acked: Set<number>
  /** samples (as encoded in x) received from others' changes */
  received: Set<number>
  samplesSent: number
}

/**
 * One board or several, `clients` people on each speaking a real protocol: `writers` of them drag
 * a shape of their own at `dragHz` (a change of x and y per step), everyone sends a cursor at
 * `cursorHz`. Latency is from a writer's send to another client's receipt (same process, same
 * clock): changes, their acknowledgements, cursors.
 */
export async function dragStorm(opts: StormOptions): Promise<StormResult> {
  const wire = opts.wire ?? opificioWire
  const boards = [opts.board, ...(opts.moreBoards ?? [])]
  const t0 = performance.now()
  const since = () => performance.now() - t0
  /** send time and board of each sample */
  const sample = new Map<number, { at: number; board: number }>()
  const samplesPerBoard = boards.map(() => 0)
  let nextSample = 0
  const changeLat = boards.map((): number[] => [])
  const ackLat: number[] = []
  const cursorLat: number[] = []
  let cursorsSent = 0
  /** Cursor updates due at a client reading them: each sent is due at every other such client of its board. */
  let cursorsDue = 0
  let cursorsReceived = 0
  const listeners = Math.min(opts.clients, Math.max(opts.writers, opts.listeners ?? 25))
  const cursorListeners = Math.min(listeners, opts.cursorListeners ?? 10)
  let messages = 0
  let dropped = 0
  let measuring = false

  const handlers = (c: Client): WireHandlers => ({
    reads: c.reads,
    acked(seq) {
      const at = c.sentAt.get(seq)
      c.acked.add(seq)
      if (at !== undefined && measuring) ackLat.push(since() - at)
    },
    moved(x) {
      c.received.add(x)
      const s = sample.get(x)
      if (s !== undefined && measuring) changeLat[s.board].push(since() - s.at)
    },
    cursor(sentAt) {
      if (!measuring) return
      cursorsReceived++
      cursorLat.push(since() - sentAt)
    },
    message() {
      messages++
    },
    dropped() {
      dropped++
    },
  })

  const clients: Client[] = []
  const join = async (board: number, k: number) => {
    const index = board * opts.clients + k
    const client: Client = {
      index,
      board,
      wire: null as never,
      writer: k < opts.writers,
      reads: k < cursorListeners ? 'all' : k < listeners ? 'changes' : 'none',
      shapeId: `shape:storm${index}`,
      nextSeq: 1,
      sentAt: new Map(),
      acked: new Set(),
      received: new Set(),
      samplesSent: 0,
    }
    // One board's people share an address, as a room behind one router does; with several boards
    // each has its own (127.0.0.x are all this machine), as tables in different places have.
    const from = boards.length > 1 ? `127.0.0.${2 + (board % 250)}` : undefined
    client.wire = await wire.connect(opts.urls[index % opts.urls.length], boards[board], index, handlers(client), from)
    clients.push(client)
  }
  // In waves, as people arriving in a room do: all at once would be a reconnect storm.
  const arrivals = boards.flatMap((_, b) => Array.from({ length: opts.clients }, (_, k) => [b, k] as const))
  for (let i = 0; i < arrivals.length; i += 25) await Promise.all(arrivals.slice(i, i + 25).map(([b, k]) => join(b, k)))

  const writers = clients.filter((c) => c.writer)
  const seq = (c: Client) => {
    const s = c.nextSeq++
    c.sentAt.set(s, since())
    return s
  }
  // Samples (x) count from 0: a shape starting there would not move on the first.
  for (const w of writers) w.wire.put(seq(w), geoShape(w.shapeId, { x: -1, y: w.index * 10 }))
  const deadline = performance.now() + 30_000
  while (writers.some((w) => !w.acked.has(1))) {
    if (performance.now() > deadline) throw new Error('the writers’ shapes were never acknowledged')
    await new Promise((r) => setTimeout(r, 20))
  }

  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const cpu0 = process.cpuUsage()
  measuring = true
  const started = performance.now()
  opts.started?.()
  const timers: NodeJS.Timeout[] = []
  const push = (w: Client, id: number, at: number) => {
    w.samplesSent++
    samplesPerBoard[w.board]++
    sample.set(id, { at, board: w.board })
    w.wire.move(seq(w), w.shapeId, id, w.index * 10 + (id % 7))
  }
  for (const w of writers) {
    if (opts.dragHz <= PUSH_HZ) {
      timers.push(setInterval(() => push(w, nextSample++, since()), 1000 / opts.dragHz))
      continue
    }
    // Faster than a client pushes: the moves in between are folded into the next push, as the
    // product's client does, and a change's latency counts from when it was made.
    let latest: { id: number; at: number } | null = null
    timers.push(setInterval(() => (latest = { id: nextSample++, at: since() }), 1000 / opts.dragHz))
    timers.push(
      setInterval(() => {
        if (latest) push(w, latest.id, latest.at)
        latest = null
      }, 1000 / PUSH_HZ)
    )
  }
  if (opts.cursorHz > 0) {
    for (const c of clients) {
      const record = presenceRecord(`storm${c.index}`)
      timers.push(
        setInterval(() => {
          cursorsSent++
          cursorsDue += cursorListeners - (c.reads === 'all' ? 1 : 0)
          c.wire.cursor({ ...record, cursor: { x: since(), y: c.index, type: 'default', rotation: 0 } } as UnknownRecord)
        }, 1000 / opts.cursorHz)
      )
    }
  }
  await new Promise((r) => setTimeout(r, opts.seconds * 1000))
  for (const t of timers) clearInterval(t)
  const window = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpu0)
  loop.disable()
  measuring = false

  // What is still on its way arrives, or counts as lost: every sample a writer sent is due at
  // every other client of its board.
  const missing = (c: Client) => (c.reads !== 'none' ? Math.max(0, samplesPerBoard[c.board] - c.samplesSent - c.received.size) : 0)
  const settled = () => clients.every((c) => missing(c) === 0 && c.acked.size === c.sentAt.size)
  for (const end = performance.now() + 5000; !settled() && performance.now() < end; ) await new Promise((r) => setTimeout(r, 50))
  const lost = clients.reduce((n, c) => n + missing(c), 0)
  const unacked = writers.reduce((n, w) => n + (w.sentAt.size - w.acked.size), 0)
  for (const c of clients) c.wire.close()
  return {
    change: latencies(changeLat.flat()),
    ack: latencies(ackLat),
    cursor: { ...latencies(cursorLat), deliveredPct: cursorsDue === 0 ? Number.NaN : (100 * cursorsReceived) / cursorsDue },
    boardP99: latencies(changeLat.filter((l) => l.length > 0).map((l) => latencies(l).p99)),
    changesPerSecond: nextSample / window,
    messagesPerSecond: messages / window,
    lost,
    unacked,
    dropped,
    generator: { cpuPct: ((cpu.user + cpu.system) / 1000 / (window * 1000)) * 100, loopDelayP99: loop.percentile(99) / 1e6 },
  }
}
