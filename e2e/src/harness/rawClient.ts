import {
  EV,
  PROTOCOL_VERSION,
  schemaFingerprint,
  type BatchFrame,
  readBatch,
  type FatalMessage,
  type PresenceUpdate,
  type Refusal,
  type WelcomeMessage,
  type WireEntry,
} from '@opificio/shared'

/** This client's own push, acknowledged or refused (it also receives everyone else's entries). */
export const isOwn = (e: WireEntry) => e.kind === 'ack' || e.kind === 'rejected'

/** Why the server refused this entry's push, if it did. */
export const refusalOf = (e: WireEntry): Refusal | undefined => (e.kind === 'rejected' ? e.refusal : undefined)

const seqOf = (e: WireEntry) => (e.kind === 'ack' || e.kind === 'rejected' ? e.seq : undefined)
export { seqOf }
import { randomBytes } from 'node:crypto'
import { io, type Socket } from 'socket.io-client'
import { until, type BoardKey } from './server.ts'

/** A bare Socket.IO client that says exactly what a test (or an attacker) tells it to. */
export interface RawClient {
  socket: Socket
  clientId: string
  welcomes: WelcomeMessage[]
  fatals: FatalMessage[]
  entries: WireEntry[]
  presence: PresenceUpdate[]
  saving: { paused: boolean; reason?: string }[]
  /** Hello with this client's link token (or `token`, to probe with another, or none: null). */
  hello(lastOffset?: number | null, clientId?: string, token?: string | null): void
  /** Hello, then wait for the welcome. */
  join(lastOffset?: number | null): Promise<WelcomeMessage>
  push(seq: number, diff: unknown): void
  /**
   * Sends an event whose payload is JSON text as given: how an attacker sends what no
   * JavaScript encoder (Socket.IO's included) could serialise, such as nesting thousands deep.
   */
  emitJson(event: string, payloadJson: string): void
  close(): void
}

/** Says hello on `board.id` with `board.token`, the token of the link it came in by. */
export function rawClient(url: string, board: BoardKey, opts: { clientId?: string; reconnection?: boolean } = {}): RawClient {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: opts.reconnection ?? false })
  const c: RawClient = {
    socket,
    clientId: opts.clientId ?? randomBytes(16).toString('base64url'),
    welcomes: [],
    fatals: [],
    entries: [],
    presence: [],
    saving: [],
    hello(lastOffset = null, clientId = c.clientId, token = board.token) {
      const hello = { protocol: PROTOCOL_VERSION, schema: schemaFingerprint(), boardId: board.id, clientId, lastOffset }
      socket.emit(EV.hello, token === null ? hello : { ...hello, token })
    },
    async join(lastOffset = null) {
      const before = c.welcomes.length
      if (!socket.connected) await new Promise<void>((r) => socket.once('connect', () => r()))
      c.hello(lastOffset)
      await until(() => c.welcomes.length > before || c.fatals.length > 0, 'a welcome')
      if (c.welcomes.length === before) throw new Error(`no welcome: ${JSON.stringify(c.fatals)}`)
      return c.welcomes.at(-1)!
    },
    push(seq, diff) {
      socket.emit(EV.push, { seq, diff })
    },
    emitJson(event, payloadJson) {
      // A Socket.IO event packet is type 2 followed by the JSON array [event, payload].
      socket.io.engine.send(`2${JSON.stringify([event]).slice(0, -1)},${payloadJson}]`)
    },
    close() {
      socket.disconnect()
    },
  }
  socket.on(EV.welcome, (w: WelcomeMessage) => c.welcomes.push(w))
  socket.on(EV.fatal, (f: FatalMessage) => c.fatals.push(f))
  socket.on(EV.saving, (s: { paused: boolean; reason?: string }) => c.saving.push(s))
  socket.on(EV.batch, (frame: BatchFrame) => {
    const b = readBatch(frame, c.welcomes.at(-1)?.presenceId ?? null)
    if (b.entries) c.entries.push(...b.entries)
    if (b.presence) c.presence.push(b.presence)
  })
  return c
}

/** JSON text of a value nested `depth` levels deep, arrays or objects by turns, around `leafJson`. */
export function deeplyNestedJson(depth: number, leafJson = '"x"'): string {
  let open = ''
  let close = ''
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? '[' : '{"k":'
    close = (i % 2 ? ']' : '}') + close
  }
  return open + leafJson + close
}

/** Resident memory of a process, in MiB. */
export async function rssMiB(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises')
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}
