import { boardSchema, DOCUMENT_TYPE_NAMES } from '@opificio/shared'
import { Store, type UnknownRecord } from '@tldraw/store'
import { randomBytes } from 'node:crypto'
import { io, type Socket } from 'socket.io-client'
import { SyncClient, type SyncSocket, type SyncState } from '../../../client/src/sync/SyncClient.ts'

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
      outTail = outTail.then(() => wait(ms)).then(() => {
        // Sent on a connection that has since dropped: lost, as on a real network.
        if (socket.id === connection && socket.connected) socket.emit(event, payload)
      })
    },
    on(event, listener) {
      if (event === 'connect' || event === 'disconnect') return socket.on(event, listener as never)
      return socket.on(event, (payload: unknown) => {
        const ms = delays.next()
        const connection = socket.id
        inTail = inTail.then(() => wait(ms)).then(() => {
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
  socket: Socket
  state: SyncState
  acks: { seq: number; offset: number }[]
  /** Called on every acknowledgement, as it arrives. */
  onAck?: (seq: number, offset: number) => void
  rejections: string[]
  clientId: string
  documentRecords(): UnknownRecord[]
  close(): void
}

/** A tldraw store kept in sync by the real SyncClient over a real Socket.IO connection. */
export function headlessClient(url: string, boardId: string, name: string, delays?: Delays): HeadlessClient {
  const store = new Store<UnknownRecord>({ schema: boardSchema as never, props: {} })
  const socket = io(url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200, forceNew: true })
  const clientId = randomBytes(12).toString('base64url')
  const client: HeadlessClient = {
    name,
    store,
    socket,
    clientId,
    state: { connection: 'connecting', unconfirmed: 0, savingPaused: false },
    acks: [],
    rejections: [],
    sync: undefined as unknown as SyncClient,
    documentRecords: () => store.allRecords().filter((r) => DOCUMENT_TYPE_NAMES.has(r.typeName)),
    close: () => client.sync.dispose(),
  }
  client.sync = new SyncClient({
    store,
    socket: delayedSocket(socket, delays),
    boardId,
    clientId,
    onState: (s) => (client.state = s),
    onRejected: (r) => client.rejections.push(r),
    onAcknowledged: (seq, offset) => {
      client.acks.push({ seq, offset })
      client.onAck?.(seq, offset)
    },
  })
  return client
}

export function sortedById(records: UnknownRecord[]) {
  return [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
