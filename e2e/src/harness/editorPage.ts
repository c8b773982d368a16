import { boardSchema, DOCUMENT_TYPE_NAMES, type Adjustment, type CreatedBoard, type Refusal } from '@opificio/shared'
import { atom } from '@tldraw/state'
import { Store, type UnknownRecord } from '@tldraw/store'
import { randomBytes } from 'node:crypto'
import { io } from 'socket.io-client'
import type { Editor } from 'tldraw'
import {
  editorOn,
  PendingKeeper,
  MemoryPendingStore,
  SyncClient,
  type SyncSocket,
  type SyncState,
  claimWriter,
  type ClaimLock,
  memoryLocks,
  keepSiblingIndicesDistinct,
} from '@opificio/client/testing'
import { writerIdentity } from '@opificio/server/testing'
import type { HeadlessClient } from './headlessClient.ts'
import { httpJson, testBoard, until, type BoardKey, type TestBoard } from './server.ts'

/** As the harness's createBoard, through node:http: under happy-dom, fetch is the page's, bound by CORS. */
export async function createBoardOverHttp(url: string): Promise<TestBoard> {
  const res = await httpJson('POST', `${url}/api/boards`, { title: 'Tavolo di prova' })
  if (res.status !== 201) throw new Error(`create board: ${res.status} ${JSON.stringify(res.json)}`)
  return testBoard(res.json as CreatedBoard)
}

/**
 * One person's browser: what outlives a page of it (the IndexedDB of unsent edits, the locks),
 * and what the pages it opened were told, so that a notice given to a page that has since been
 * reloaded still counts.
 */
export interface Device {
  name: string
  pendingStore: MemoryPendingStore
  locks: ClaimLock
  adjustments: Adjustment[]
  /** Refusals, with when they came (Date.now()): a refusal can only account for edits made before it. */
  rejections: { reason: Refusal; at: number }[]
  /** Every page this device opened, the current one last. */
  pages: EditorPage[]
}

export function device(name: string): Device {
  return { name, pendingStore: new MemoryPendingStore(), locks: memoryLocks(), adjustments: [], rejections: [], pages: [] }
}

export interface EditorPage extends HeadlessClient {
  editor: Editor
  device: Device
}

/**
 * Opens the board in a new page of `device`, wired as useBoardSync wires the browser's: the page
 * claims a writer key (adopting the unsent edits a page before it left on this device), the
 * SyncClient re-sends them, a PendingKeeper keeps what is unconfirmed in the device's store, and
 * the tldraw editor comes once the server has sent the board. `board` is the key of the link the
 * page was opened by (a participant's, as a rule). `close` is the page going away:
 * what is unconfirmed is written as on `pagehide`, and the key is let go once it is.
 */
export async function openEditorPage(url: string, board: BoardKey, device: Device): Promise<EditorPage> {
  const boardId = board.id
  const writer = await claimWriter(boardId, device.pendingStore, device.locks, () => randomBytes(12).toString('base64url'))
  const store = new Store<UnknownRecord>({
    schema: boardSchema as never,
    props: { defaultName: '', assets: {}, onMount: () => undefined, users: { currentUser: atom('no attribution', null) } } as never,
  })
  const socket = io(url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200, forceNew: true })
  let keeper: PendingKeeper | null = null
  const page = {
    name: `${device.name}#${device.pages.length}`,
    device,
    store,
    link: socket as unknown as SyncSocket,
    clientId: writer.clientId,
    writerId: writerIdentity(boardId, writer.clientId),
    state: { connection: 'connecting', unconfirmed: 0, savingPaused: false } as SyncState,
    acks: [] as { seq: number; offset: number }[],
    rejections: [] as Refusal[],
    adjustments: device.adjustments,
    documentRecords: () => store.allRecords().filter((r) => DOCUMENT_TYPE_NAMES.has(r.typeName)),
    presences: () => [],
    setPresence: () => undefined,
  } as unknown as EditorPage
  page.sync = new SyncClient({
    store,
    socket: page.link,
    boardId,
    token: board.token,
    clientId: writer.clientId,
    restored: writer.restored ?? undefined,
    onState: (s) => {
      page.state = s
      keeper?.changed()
    },
    onRejected: (reason) => {
      page.rejections.push(reason)
      device.rejections.push({ reason, at: Date.now() })
    },
    onAdjusted: (a) => device.adjustments.push(...a),
    onAcknowledged: (seq, offset) => page.acks.push({ seq, offset }),
  })
  keeper = new PendingKeeper({
    store: device.pendingStore,
    boardId,
    clientId: writer.clientId,
    read: () => page.sync.unconfirmedEdits(),
    stored: writer.restored !== null,
  })
  page.close = () => {
    const kept = keeper?.flush() ?? Promise.resolve()
    keeper?.dispose()
    page.editor?.dispose()
    page.sync.dispose()
    void kept.finally(writer.release)
  }
  device.pages.push(page)
  await until(() => page.state.connection === 'online', `${page.name} online`)
  page.editor = editorOn(store as never)
  keepSiblingIndicesDistinct(page.editor)
  return page
}
