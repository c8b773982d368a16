import type { UnknownRecord } from '@tldraw/store'
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import type { FromThread, ThreadClient, ThreadSetup, ToThread } from './stormThread.ts'
import type { WireName } from './wires.ts'

/** The shapes the storm's writers drag begin so: a change to any other shape (a browser's) is no sample. */
export const STORM_SHAPE = 'shape:storm'

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
  /** How long the load runs before the window opens (WARMUP_SECONDS by default). */
  warmupSeconds?: number
  /** The protocol the clients speak: Opificio's (the default, which the floor relay speaks too) or tldraw's. */
  wire?: WireName
  /** Worker threads the clients are spread over; by default one, two from 100 clients up. */
  threads?: number
  /** Called when the measured window opens and when it closes, for what is measured alongside the storm. */
  started?: () => void
  ended?: () => void
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
 * The load runs this long before the measured window opens. Its first second is a burst no room
 * in session sees (everyone's drag and cursor starting in the same instant, on code the runtime
 * has not yet optimised): at 200/10 with cursors its p99 was 150 ms against 20–45 for the rest.
 */
export const WARMUP_SECONDS = 2

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
  /** How many pushes the protocol's client has unacknowledged before it holds its next change back; none if unset. */
  maxUnacked?: number
}

export function latencies(values: number[]): Latencies {
  const s = Float64Array.from(values).sort()
  const at = (p: number) => (s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))])
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s.length ? s[s.length - 1] : Number.NaN }
}

/**
 * One board or several, `clients` people on each speaking a real protocol: `writers` of them drag
 * a shape of their own at `dragHz` (a change of x and y per step), everyone sends a cursor at
 * `cursorHz`. Latency is from a writer's send to another client's receipt: changes, their
 * acknowledgements, cursors. The clients are spread over `threads` worker threads (two from 100
 * clients up): one thread driving 200 sockets falls behind its own timers, and its lag would be
 * counted as the server's.
 */
export async function dragStorm(opts: StormOptions): Promise<StormResult> {
  const boards = [opts.board, ...(opts.moreBoards ?? [])]
  const listeners = Math.min(opts.clients, Math.max(opts.writers, opts.listeners ?? 25))
  const cursorListeners = Math.min(listeners, opts.cursorListeners ?? 10)
  const everyone: ThreadClient[] = boards.flatMap((_, board) =>
    Array.from({ length: opts.clients }, (_, k) => ({
      index: board * opts.clients + k,
      board,
      writer: k < opts.writers,
      reads: k < cursorListeners ? 'all' : k < listeners ? 'changes' : ('none' as Reads),
    }))
  )
  const threads = opts.threads ?? (everyone.length >= 100 ? 2 : 1)
  const workers = Array.from({ length: threads }, (_, thread) => {
    const setup: ThreadSetup = {
      thread,
      threads,
      urls: opts.urls,
      boards,
      wire: opts.wire ?? 'opificio',
      clients: everyone.filter((c) => c.index % threads === thread),
      cursorListeners,
      dragHz: opts.dragHz,
      cursorHz: opts.cursorHz,
    }
    return new Worker(new URL('./stormThread.ts', import.meta.url), { workerData: setup })
  })
  // Each step is one message from every thread; listening before the step starts misses none.
  const next = <T extends FromThread['type']>(type: T) =>
    Promise.all(
      workers.map(async (w) => {
        const [m] = (await once(w, 'message')) as [FromThread]
        if (m.type !== type) throw new Error(`a storm thread said ${m.type}, expected ${type}`)
        return m as Extract<FromThread, { type: T }>
      })
    )
  const tell = (m: ToThread) => {
    for (const w of workers) w.postMessage(m)
  }
  try {
    await next('ready')
    tell({ type: 'start' })
    await new Promise((r) => setTimeout(r, (opts.warmupSeconds ?? WARMUP_SECONDS) * 1000))
    tell({ type: 'measure', at: performance.timeOrigin + performance.now() })
    const cpu0 = process.cpuUsage()
    const started = performance.now()
    const stopped = next('stopped')
    opts.started?.()
    await new Promise((r) => setTimeout(r, opts.seconds * 1000))
    tell({ type: 'stop', at: performance.timeOrigin + performance.now() })
    opts.ended?.()
    const stops = await stopped
    const window = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpu0)
    const samplesPerBoard = boards.map((_, b) => stops.reduce((n, s) => n + s.samplesPerBoard[b], 0))
    const done = next('done')
    tell({ type: 'settle', samplesPerBoard })
    const results = await done

    const sample = new Map<number, { at: number; board: number }>()
    for (const s of stops) for (let i = 0; i < s.sent.length; i += 3) sample.set(s.sent[i], { at: s.sent[i + 1], board: s.sent[i + 2] })
    const changeLat = boards.map((): number[] => [])
    for (const r of results)
      for (let i = 0; i < r.received.length; i += 2) {
        const s = sample.get(r.received[i])
        if (s) changeLat[s.board].push(r.received[i + 1] - s.at)
      }
    const sum = (f: (r: Extract<FromThread, { type: 'done' }>) => number) => results.reduce((n, r) => n + f(r), 0)
    const cursorsDue = stops.reduce((n, s) => n + s.cursorsDue, 0)
    return {
      change: latencies(changeLat.flat()),
      ack: latencies(results.flatMap((r) => r.ack)),
      cursor: {
        ...latencies(results.flatMap((r) => r.cursor)),
        deliveredPct: cursorsDue === 0 ? Number.NaN : (100 * sum((r) => r.cursorsReceived)) / cursorsDue,
      },
      boardP99: latencies(changeLat.filter((l) => l.length > 0).map((l) => latencies(l).p99)),
      changesPerSecond: sample.size / window,
      messagesPerSecond: sum((r) => r.messages) / window,
      lost: sum((r) => r.lost),
      unacked: sum((r) => r.unacked),
      dropped: sum((r) => r.dropped),
      generator: {
        cpuPct: ((cpu.user + cpu.system) / 1000 / (window * 1000)) * 100,
        loopDelayP99: Math.max(...stops.map((s) => s.loopDelayP99)),
      },
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}
