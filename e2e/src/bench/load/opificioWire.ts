import {
  EV,
  MAX_UNACKED_PUSHES,
  PresenceOutbox,
  PROTOCOL_VERSION,
  readMoves,
  schemaFingerprint,
  type BatchFrame,
  type HelloMessage,
  type WelcomeMessage,
  type WireEntry,
} from '@opificio/shared'
import { randomBytes } from 'node:crypto'
import { io } from 'socket.io-client'
import { parserFor } from './countingParser.ts'
import { type BoardKey, STORM_SHAPE, type StormWire, type WireClient } from './dragStorm.ts'

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
  maxUnacked: MAX_UNACKED_PUSHES,
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
    // What the product's client sends of its presence: the record whole, then its cursor's moves.
    const outbox = new PresenceOutbox()
    /** The last cursor (its send time) seen of each person. */
    const lastCursor = new Map<string, number>()
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
        ...[...readMoves(shared.presence?.moved ?? [])].map((m) => [m.id, { cursor: m }] as const),
      ]
      for (const [id, fields] of cursors) {
        const x = (fields as { cursor?: { x: number } }).cursor?.x
        // A record sent whole again carries the cursor it had: an update already counted.
        if (typeof x !== 'number' || id === presenceId || lastCursor.get(id) === x) continue
        lastCursor.set(id, x)
        h.cursor(x)
      }
    })
    function onEntry(e: WireEntry) {
      if (e.kind === 'ack') return h.acked(e.seq)
      if (e.kind !== 'change') return
      for (const [id, op] of Object.entries(e.diff)) {
        if (op[0] !== 'patch' || !id.startsWith(STORM_SHAPE)) continue
        const x = (op[1].set as { x?: unknown } | undefined)?.x
        if (typeof x === 'number') h.moved(x)
      }
    }
    const client: WireClient = {
      put: (seq, shape) => socket.emit(EV.push, { seq, diff: { [shape.id]: ['put', shape] } }),
      move: (seq, id, x, y) => socket.emit(EV.push, { seq, diff: { [id]: ['patch', { set: { x, y } }] } }),
      cursor: (record) => socket.volatile.emit(EV.presence, outbox.next(record, Date.now())),
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
