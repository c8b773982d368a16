import { EV, PROTOCOL_VERSION, schemaFingerprint, type BatchMessage, type WireEntry } from '@opificio/shared'
import { geoShape, presenceRecord } from '@opificio/shared/testing'
import { randomBytes } from 'node:crypto'
import { io, type Socket } from 'socket.io-client'

export interface StormOptions {
  /** The server nodes; clients are spread over them in turn. */
  urls: string[]
  board: { id: string; token: string }
  clients: number
  /** How many of the clients drag a shape of their own. */
  writers: number
  dragHz: number
  /** 0: nobody sends a cursor. */
  cursorHz: number
  seconds: number
}

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
  changesPerSecond: number
  /** Batches received by all clients, per second. */
  messagesPerSecond: number
  /** Changes a writer sent that some other client never received, and pushes never acknowledged. */
  lost: number
  unacked: number
}

const since = (t0: number) => performance.now() - t0

export function latencies(values: number[]): Latencies {
  const s = Float64Array.from(values).sort()
  const at = (p: number) => (s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))])
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s.length ? s[s.length - 1] : Number.NaN }
}

interface Client {
  index: number
  socket: Socket
  writer: boolean
  nextSeq: number
  /** send time of each of this writer's seqs */
  sentAt: Map<number, number>
  acked: Set<number>
  /** samples (as encoded in x) received from others' changes */
  received: Set<number>
  samplesSent: number
}

/**
 * One board, `clients` people on it speaking Opificio's real protocol: `writers` of them drag a
 * shape of their own at `dragHz` (a patch of x and y per step), everyone sends a cursor at
 * `cursorHz`. Latency is from a writer's send to another client's receipt (same process, same
 * clock): changes, their acknowledgements, cursors. Works against the floor relay too.
 */
export async function dragStorm(opts: StormOptions): Promise<StormResult> {
  const t0 = performance.now()
  const sample = new Map<number, number>()
  let nextSample = 0
  const changeLat: number[] = []
  const ackLat: number[] = []
  const cursorLat: number[] = []
  let cursorsSent = 0
  let cursorsReceived = 0
  let batches = 0
  let measuring = false

  const clients: Client[] = Array.from({ length: opts.clients }, (_, index) => ({
    index,
    socket: io(opts.urls[index % opts.urls.length], { transports: ['websocket'], forceNew: true, reconnection: false }),
    writer: index < opts.writers,
    nextSeq: 1,
    sentAt: new Map(),
    acked: new Set(),
    received: new Set(),
    samplesSent: 0,
  }))

  for (const c of clients) {
    c.socket.on(EV.batch, (b: BatchMessage) => {
      const now = since(t0)
      batches++
      for (const e of b.entries ?? []) onEntry(c, e, now)
      if (b.presence && measuring) {
        for (const r of b.presence.put) {
          const x = (r as { cursor?: { x: number } }).cursor?.x
          if (typeof x !== 'number') continue
          cursorsReceived++
          cursorLat.push(now - x)
        }
      }
    })
  }

  function onEntry(c: Client, e: WireEntry, now: number) {
    if (e.kind === 'ack') {
      const at = c.sentAt.get(e.seq)
      c.acked.add(e.seq)
      if (at !== undefined && measuring) ackLat.push(now - at)
      return
    }
    if (e.kind !== 'change') return
    for (const op of Object.values(e.diff)) {
      if (op[0] !== 'patch') continue
      const x = (op[1].set as { x?: unknown } | undefined)?.x
      if (typeof x !== 'number') continue
      c.received.add(x)
      const at = sample.get(x)
      if (at !== undefined && measuring) changeLat.push(now - at)
    }
  }

  const hello = (c: Client) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client ${c.index}: no welcome in 30 s`)), 30_000)
      c.socket.once(EV.welcome, () => {
        clearTimeout(timer)
        resolve()
      })
      c.socket.once(EV.fatal, (f: unknown) => reject(new Error(`client ${c.index}: ${JSON.stringify(f)}`)))
      const send = () =>
        c.socket.emit(EV.hello, {
          protocol: PROTOCOL_VERSION,
          schema: schemaFingerprint(),
          boardId: opts.board.id,
          token: opts.board.token,
          clientId: randomBytes(16).toString('base64url'),
          lastOffset: null,
        })
      if (c.socket.connected) send()
      else c.socket.once('connect', send)
    })
  // In waves, as people arriving in a room do: all at once would be a reconnect storm.
  for (let i = 0; i < clients.length; i += 25) await Promise.all(clients.slice(i, i + 25).map(hello))

  const writers = clients.filter((c) => c.writer)
  const push = (c: Client, diff: unknown) => {
    const seq = c.nextSeq++
    c.sentAt.set(seq, since(t0))
    c.socket.emit(EV.push, { seq, diff })
  }
  for (const w of writers) push(w, { [`shape:storm${w.index}`]: ['put', geoShape(`storm${w.index}`, { x: 0, y: w.index * 10 })] })
  const deadline = performance.now() + 30_000
  while (writers.some((w) => !w.acked.has(1))) {
    if (performance.now() > deadline) throw new Error('the writers’ shapes were never acknowledged')
    await new Promise((r) => setTimeout(r, 20))
  }

  measuring = true
  const started = performance.now()
  const timers: NodeJS.Timeout[] = []
  for (const w of writers) {
    timers.push(
      setInterval(() => {
        const id = nextSample++
        w.samplesSent++
        sample.set(id, since(t0))
        push(w, { [`shape:storm${w.index}`]: ['patch', { set: { x: id, y: w.index * 10 + (id % 7) } }] })
      }, 1000 / opts.dragHz)
    )
  }
  if (opts.cursorHz > 0) {
    for (const c of clients) {
      const record = presenceRecord(`storm${c.index}`)
      timers.push(
        setInterval(() => {
          cursorsSent++
          c.socket.volatile.emit(EV.presence, { record: { ...record, cursor: { x: since(t0), y: c.index, type: 'default', rotation: 0 } } })
        }, 1000 / opts.cursorHz)
      )
    }
  }
  await new Promise((r) => setTimeout(r, opts.seconds * 1000))
  for (const t of timers) clearInterval(t)
  const window = (performance.now() - started) / 1000
  measuring = false
  // What is still on its way arrives, or counts as lost.
  await new Promise((r) => setTimeout(r, 3000))

  // Every sample a writer sent is due at every other client: what one of them lacks is lost.
  let lost = 0
  for (const c of clients) lost += Math.max(0, nextSample - c.samplesSent - c.received.size)
  const unacked = writers.reduce((n, w) => n + (w.sentAt.size - w.acked.size), 0)
  for (const c of clients) c.socket.disconnect()
  return {
    change: latencies(changeLat),
    ack: latencies(ackLat),
    cursor: { ...latencies(cursorLat), deliveredPct: cursorsSent === 0 ? Number.NaN : (100 * cursorsReceived) / (cursorsSent * (opts.clients - 1)) },
    changesPerSecond: nextSample / window,
    messagesPerSecond: batches / window,
    lost,
    unacked,
  }
}
