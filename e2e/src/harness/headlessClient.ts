import { boardSchema, DOCUMENT_TYPE_NAMES, type Adjustment, type Refusal } from '@opificio/shared'
import { atom } from '@tldraw/state'
import { Store, type UnknownRecord } from '@tldraw/store'
import { randomBytes } from 'node:crypto'
import { io, type Socket } from 'socket.io-client'
import { failoverSocket, SyncClient, type SyncSocket, type SyncState } from '@opificio/client/testing'
import { writerIdentity } from '@opificio/server/testing'
import type { BoardKey } from './server.ts'

export interface Delays {
  /** Extra milliseconds before each message in either direction is delivered (order is kept). */
  next(): number
}

/**
 * A socket wrapper that delays messages both ways, keeping their order, as a slow network does.
 * connect/disconnect pass straight through.
 */
function delayedSocket(socket: Socket, delays: Delays | undefined): SyncSocket {
  if (!delays) return socket as unknown as SyncSocket
  let outTail = Promise.resolve()
  let inTail = Promise.resolve()
  const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
  return {
    get connected() {
      return socket.connected
    },
    emit(event, payload) {
      const ms = delays.next()
      const connection = socket.id
      outTail = outTail
        .then(() => wait(ms))
        .then(() => {
          // Sent on a connection that has since dropped: lost, as on a real network.
          if (socket.id === connection && socket.connected) socket.emit(event, payload)
        })
    },
    on(event, listener) {
      if (event === 'connect' || event === 'disconnect') return socket.on(event, listener as never)
      return socket.on(event, (payload: unknown) => {
        const ms = delays.next()
        const connection = socket.id
        inTail = inTail
          .then(() => wait(ms))
          .then(() => {
            // A message from a connection that has since dropped would never arrive on a real network.
            if (socket.id === connection && socket.connected) (listener as (p: unknown) => void)(payload)
          })
      })
    },
    off: (event) => socket.off(event),
    connect: () => socket.connect(),
    disconnect: () => socket.disconnect(),
  }
}

export interface HeadlessClient {
  name: string
  store: Store<UnknownRecord>
  sync: SyncClient
  /** What the sync client talks through: connect() and disconnect() act as the network would. */
  link: SyncSocket
  state: SyncState
  acks: { seq: number; offset: number }[]
  /** Called on every acknowledgement, as it arrives. */
  onAck?: (seq: number, offset: number) => void
  rejections: Refusal[]
  /** What the fold changed or left out of this client's pushes, as the server told it. */
  adjustments: Adjustment[]
  /** The key this client says hello with: known to it and the server only. */
  clientId: string
  /** What the server files this client's pushes under in the log (see writerIdentity). */
  writerId: string
  documentRecords(): UnknownRecord[]
  /** Others' presence records as this client has them. */
  presences(): UnknownRecord[]
  /** This client's own presence (cursor, name), sent as the browser sends it. */
  setPresence(record: UnknownRecord | null): void
  close(): void
}

function syncedStore(name: string, board: BoardKey, link: SyncSocket): HeadlessClient {
  const store = new Store<UnknownRecord>({ schema: boardSchema as never, props: {} })
  const clientId = randomBytes(12).toString('base64url')
  const $presence = atom<UnknownRecord | null>('presence', null)
  const client: HeadlessClient = {
    name,
    store,
    link,
    clientId,
    writerId: writerIdentity(board.id, clientId),
    state: { connection: 'connecting', unconfirmed: 0, savingPaused: false },
    acks: [],
    rejections: [],
    adjustments: [],
    sync: undefined as unknown as SyncClient,
    documentRecords: () => store.allRecords().filter((r) => DOCUMENT_TYPE_NAMES.has(r.typeName)),
    presences: () => store.allRecords().filter((r) => r.typeName === 'instance_presence'),
    setPresence: (record) => $presence.set(record),
    close: () => client.sync.dispose(),
  }
  client.sync = new SyncClient({
    store,
    socket: link,
    boardId: board.id,
    token: board.token,
    clientId,
    presence: $presence,
    onState: (s) => (client.state = s),
    onRejected: (r) => client.rejections.push(r),
    onAdjusted: (a) => client.adjustments.push(...a),
    onAcknowledged: (seq, offset) => {
      client.acks.push({ seq, offset })
      client.onAck?.(seq, offset)
    },
  })
  return client
}

/**
 * A tldraw store kept in sync by the real SyncClient over a real Socket.IO connection to one
 * server, opening the board with `board`'s token (a participant's, unless a test needs another role).
 */
export function headlessClient(url: string, board: BoardKey, name: string, delays?: Delays): HeadlessClient & { socket: Socket } {
  const socket = io(url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200, forceNew: true })
  return Object.assign(syncedStore(name, board, delayedSocket(socket, delays)), { socket })
}

/** The same over several nodes: when its node goes away it moves to another, as the browser does. */
export function clusterClient(urls: string[], board: BoardKey, name: string): HeadlessClient {
  return syncedStore(name, board, failoverSocket(urls, { transports: ['websocket'] }))
}

export function sortedById(records: UnknownRecord[]) {
  return [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
