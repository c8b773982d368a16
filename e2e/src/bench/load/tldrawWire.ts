import * as syncCore from '@tldraw/sync-core'
import type { UnknownRecord } from '@tldraw/store'
import { createTLSchema } from '@tldraw/tlschema'
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'
import { STORM_SHAPE, type StormWire, type WireHandlers } from './dragStorm.ts'

// The protocol's messages as far as the generator uses them: sync-core keeps its protocol types
// (protocol.ts) and its version out of its published typings.
type ValueOp = [op: string, value?: unknown]
type RecordOp = ['put', UnknownRecord] | ['patch', Record<string, ValueOp>] | ['remove']
type ClientMessage =
  | { type: 'connect'; connectRequestId: string; lastServerClock: number; protocolVersion: number; schema: unknown }
  | { type: 'push'; clientClock: number; diff?: Record<string, RecordOp>; presence?: RecordOp }
  | { type: 'ping' }
type DataMessage = { type: 'patch'; diff: Record<string, RecordOp> } | { type: 'push_result'; clientClock: number; action: unknown }
type ServerMessage =
  | { type: 'connect' }
  | { type: 'incompatibility_error'; reason: string }
  | { type: 'pong' }
  | { type: 'custom' }
  | { type: 'data'; data: DataMessage[] }
  | DataMessage
const protocolVersion = (syncCore as unknown as { getTlsyncProtocolVersion(): number }).getTlsyncProtocolVersion()

const schema = createTLSchema().serialize()
/** TLSyncClient pings this often; a session the room hears nothing from for 20 s is dropped. */
const PING_MS = 5000

/**
 * The load generator's clients speaking tldraw's sync protocol (TLSyncClient's side of it, as in
 * @tldraw/sync-core's protocol.ts) to tldrawRoomServer.ts: a connect request, pushes with a
 * document diff (acknowledged by a push_result carrying the push's clientClock) or a presence
 * record (put first, then patches of the cursor), pings; the room sends patches, debounced into
 * `data` messages per receiver.
 */
export const tldrawWire: StormWire = {
  connect(url, board, index, h, from) {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/connect/${board.id}?sessionId=${randomBytes(12).toString('base64url')}`, {
      localAddress: from,
    })
    const send = (m: ClientMessage) => ws.send(JSON.stringify(m))
    let presenceSent = false
    let ping: NodeJS.Timeout | undefined
    let closing = false
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tldraw client ${index}: no connect in 30 s`)), 30_000)
      ws.on('error', reject)
      ws.on('close', (code, reason) => {
        clearInterval(ping)
        if (!closing) h.dropped()
        if (code !== 1000 && code !== 1005) reject(new Error(`tldraw client ${index}: closed ${code} ${reason}`))
      })
      ws.on('open', () => send({ type: 'connect', connectRequestId: randomBytes(8).toString('hex'), lastServerClock: -1, protocolVersion, schema }))
      let connected = false
      ws.on('message', (data) => {
        h.message()
        if (connected && h.reads === 'none') return
        const m = JSON.parse(String(data)) as ServerMessage
        if (m.type === 'connect') {
          connected = true
          clearTimeout(timer)
          ping = setInterval(() => send({ type: 'ping' }), PING_MS)
          resolve({
            put: (seq, shape) => send({ type: 'push', clientClock: seq, diff: { [shape.id]: ['put', shape] } }),
            move: (seq, id, x, y) => send({ type: 'push', clientClock: seq, diff: { [id]: ['patch', { x: ['put', x], y: ['put', y] }] } }),
            cursor: (record) => {
              const cursor = (record as { cursor?: unknown }).cursor
              send({ type: 'push', clientClock: 0, presence: presenceSent ? ['patch', { cursor: ['put', cursor] }] : ['put', record] })
              presenceSent = true
            },
            close: () => {
              closing = true
              clearInterval(ping)
              ws.close(1000)
            },
          })
        } else if (m.type === 'data') for (const d of m.data) onData(d, h)
        else if (m.type === 'patch' || m.type === 'push_result') onData(m, h)
        else if (m.type === 'incompatibility_error') reject(new Error(`tldraw client ${index}: ${m.reason}`))
      })
    })
  },
}

function onData(d: DataMessage, h: WireHandlers) {
  if (d.type === 'push_result') {
    // Presence pushes carry clientClock 0, which no document push uses.
    if (d.clientClock > 0) h.acked(d.clientClock)
    return
  }
  for (const [id, op] of Object.entries(d.diff)) {
    if (id.startsWith('instance_presence:')) {
      const cursor = op[0] === 'put' ? (op[1] as { cursor?: { x: number } }).cursor : op[0] === 'patch' ? cursorOf(op[1].cursor) : undefined
      if (typeof cursor?.x === 'number' && h.reads === 'all') h.cursor(cursor.x)
    } else if (id.startsWith(STORM_SHAPE) && op[0] === 'patch' && op[1].x?.[0] === 'put' && typeof op[1].x[1] === 'number') h.moved(op[1].x[1])
  }
}

const cursorOf = (op: unknown) => (Array.isArray(op) && op[0] === 'put' ? (op[1] as { x?: number }) : undefined)
