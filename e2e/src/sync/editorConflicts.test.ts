// @vitest-environment happy-dom
// Real tldraw editors (which need a DOM) kept in sync by the real SyncClient against a real server.
import { boardSchema, DOCUMENT_TYPE_NAMES, FIRST_PAGE_ID, type Adjustment, type Refusal } from '@opificio/shared'
import { atom } from '@tldraw/state'
import { Store, type UnknownRecord } from '@tldraw/store'
import { randomBytes } from 'node:crypto'
import { io } from 'socket.io-client'
import { createShapeId, defaultBindingUtils, defaultShapeUtils, Editor, getArrowInfo, type TLArrowShape, type TLShapeId } from 'tldraw'
import { afterEach, describe, expect, it } from 'vitest'
import { SyncClient, type SyncSocket, type SyncState } from '@opificio/client/testing'
import { writerIdentity, EmbeddedStorage } from '@opificio/server/testing'
import { createBoardOverHttp as createBoard } from '../harness/editorPage.ts'
import { expectDurableAndEqual, settle } from '../harness/fuzz.ts'
import { sortedById, type HeadlessClient } from '../harness/headlessClient.ts'
import { startServer, until, type BoardKey } from '../harness/server.ts'

interface EditorClient extends HeadlessClient {
  editor: Editor
}

/**
 * A tldraw editor on a store the SyncClient keeps, as the board page has it; the editor comes once
 * the board is in. It opens the board with `board`'s token, as the page does with its link's.
 */
async function editorClient(url: string, board: BoardKey, name: string): Promise<EditorClient> {
  const boardId = board.id
  const store = new Store<UnknownRecord>({
    schema: boardSchema as never,
    props: { defaultName: '', assets: {}, onMount: () => undefined, users: { currentUser: atom('no attribution', null) } } as never,
  })
  const socket = io(url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200, forceNew: true })
  const clientId = randomBytes(12).toString('base64url')
  const client = {
    name,
    store,
    link: socket as unknown as SyncSocket,
    clientId,
    writerId: writerIdentity(boardId, clientId),
    state: { connection: 'connecting' } as SyncState,
    acks: [] as { seq: number; offset: number }[],
    rejections: [] as Refusal[],
    adjustments: [] as Adjustment[],
    documentRecords: () => store.allRecords().filter((r) => DOCUMENT_TYPE_NAMES.has(r.typeName)),
    presences: () => [],
    setPresence: () => undefined,
  } as unknown as EditorClient
  client.sync = new SyncClient({
    store,
    socket: client.link,
    boardId,
    token: board.token,
    clientId,
    pushIntervalMs: 10,
    onState: (s) => (client.state = s),
    onRejected: (r) => client.rejections.push(r),
    onAdjusted: (a) => client.adjustments.push(...a),
    onAcknowledged: (seq, offset) => client.acks.push({ seq, offset }),
  })
  client.close = () => {
    client.editor?.dispose()
    client.sync.dispose()
  }
  await until(() => client.state.connection === 'online', `${name} online`)
  client.editor = new Editor({
    store: store as never,
    shapeUtils: defaultShapeUtils,
    bindingUtils: defaultBindingUtils,
    tools: [],
    getContainer: () => document.body,
  })
  return client
}

function box(id: TLShapeId, x: number, y: number, parentId?: TLShapeId) {
  return { id, type: 'geo' as const, x, y, ...(parentId ? { parentId } : {}), props: { w: 100, h: 80 } }
}

/** Where an arrow end is on the page, as the editor draws it when unbound. */
function endOnPage(editor: Editor, arrowId: TLShapeId, terminal: 'start' | 'end') {
  const arrow = editor.getShape<TLArrowShape>(arrowId)!
  return editor.getShapePageTransform(arrow).applyToPoint(arrow.props[terminal])
}

describe('conflicts between real tldraw editors', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  async function twoEditors() {
    const server = await startServer({ room: { tickMs: 4 } })
    cleanups.push(() => server.close())
    const board = await createBoard(server.url)
    const boardId = board.id
    const a = await editorClient(server.url, board.participant, 'A')
    const b = await editorClient(server.url, board.participant, 'B')
    cleanups.push(
      () => a.close(),
      () => b.close()
    )
    const room = (await server.app.rooms.get(boardId))!
    const converge = async () => {
      await settle([a, b], () => room.offset)
      const stored = sortedById(room.documentRecords)
      expect(sortedById(a.documentRecords()), 'A equals the server').toEqual(stored)
      expect(sortedById(b.documentRecords()), 'B equals the server').toEqual(stored)
      // And what the server stored, read back as after a restart.
      const reread = new EmbeddedStorage(server.dataDir)
      await expectDurableAndEqual(reread, boardId, [a, b])
      await reread.close()
    }
    return { a, b, room, converge }
  }

  it('frees an arrow end where its shape was, when the shape is deleted offline by someone who never saw the arrow (issue 8.1)', async () => {
    const { a, b, converge } = await twoEditors()
    const s1 = createShapeId('s1')
    const s2 = createShapeId('s2')
    a.editor.createShapes([box(s1, 0, 0), box(s2, 400, 200)])
    await converge()

    a.link.disconnect()
    const arrow = createShapeId('arrow')
    b.editor.createShape({ id: arrow, type: 'arrow', x: 50, y: 40, props: { start: { x: 0, y: 0 }, end: { x: 400, y: 200 } } })
    b.editor.createBindings([
      {
        type: 'arrow',
        fromId: arrow,
        toId: s1,
        props: { terminal: 'start', normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false },
      },
      { type: 'arrow', fromId: arrow, toId: s2, props: { terminal: 'end', normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false } },
    ])
    await until(() => b.state.unconfirmed === 0, 'B’s arrow confirmed')
    // Where tldraw itself puts the bound end's handle (getArrowTerminalInArrowSpace), on the page.
    const handle = b.editor.getShapePageTransform(arrow).applyToPoint(getArrowInfo(b.editor, arrow)!.end.handle)
    a.editor.deleteShapes([s2])
    a.link.connect()
    await converge()

    for (const c of [a, b]) {
      expect(
        c.editor.getBindingsFromShape(arrow, 'arrow').map((x) => x.toId),
        c.name
      ).toEqual([s1])
      const end = endOnPage(c.editor, arrow, 'end')
      // s2's centre, where tldraw had the end's handle.
      expect(end.x, c.name).toBeCloseTo(450, 9)
      expect(end.y, c.name).toBeCloseTo(240, 9)
      expect(end.x, c.name).toBeCloseTo(handle.x, 9)
      expect(end.y, c.name).toBeCloseTo(handle.y, 9)
    }
    expect(a.rejections).toEqual([])

    // A local delete still gets tldraw's own clean-up, made by the editor and logged.
    const before = b.editor.getShape<TLArrowShape>(arrow)!.props.start
    b.editor.deleteShapes([s1])
    const placed = b.editor.getShape<TLArrowShape>(arrow)!.props.start
    expect(placed).not.toEqual(before)
    await converge()
    expect(a.editor.getShape<TLArrowShape>(arrow)!.props.start).toEqual(placed)
    expect(a.editor.getBindingsFromShape(arrow, 'arrow')).toEqual([])
  })

  it('frees a precise end on a rotated shape where tldraw had its handle, for an arrow inside a rotated frame', async () => {
    const { a, b, converge } = await twoEditors()
    const target = createShapeId('target')
    const frame = createShapeId('frame')
    a.editor.createShapes([
      { ...box(target, 500, 100), rotation: 0.7, props: { w: 160, h: 90 } },
      { id: frame, type: 'frame', x: -100, y: 300, rotation: -0.4, props: { w: 600, h: 400 } },
    ])
    await converge()

    a.link.disconnect()
    const arrow = createShapeId('arrow')
    b.editor.createShape({
      id: arrow,
      type: 'arrow',
      parentId: frame,
      x: 40,
      y: 30,
      props: { start: { x: 0, y: 0 }, end: { x: 300, y: -100 }, bend: 20 },
    })
    b.editor.createBindings([
      {
        type: 'arrow',
        fromId: arrow,
        toId: target,
        props: { terminal: 'end', normalizedAnchor: { x: 0.2, y: 0.7 }, isExact: false, isPrecise: true },
      },
    ])
    await until(() => b.state.unconfirmed === 0, 'B’s arrow confirmed')
    const handle = b.editor.getShapePageTransform(arrow).applyToPoint(getArrowInfo(b.editor, arrow)!.end.handle)
    a.editor.deleteShapes([target])
    a.link.connect()
    await converge()

    for (const c of [a, b]) {
      const end = endOnPage(c.editor, arrow, 'end')
      expect(end.x, c.name).toBeCloseTo(handle.x, 6)
      expect(end.y, c.name).toBeCloseTo(handle.y, 6)
      expect(c.editor.getShape<TLArrowShape>(arrow)!.props.bend, c.name).toBe(20)
    }
  })

  it('keeps every offline edit when one shape of them was in a frame deleted meanwhile (issue 8.2)', async () => {
    const { a, b, converge } = await twoEditors()
    const frame = createShapeId('F')
    b.editor.createShape({ id: frame, type: 'frame', x: 300, y: 100, props: { w: 400, h: 300 } })
    await converge()

    a.link.disconnect()
    const m = createShapeId('M')
    const g = createShapeId('G')
    a.editor.createShapes([box(m, -200, -200), box(g, 30, 40, frame)])
    expect(a.editor.getShape(g)!.parentId).toBe(frame)
    b.editor.deleteShapes([frame])
    await until(() => b.state.unconfirmed === 0, 'B’s delete confirmed')
    a.link.connect()
    await converge()

    for (const c of [a, b]) {
      expect(c.editor.getShape(m), `${c.name} keeps M`).toMatchObject({ parentId: FIRST_PAGE_ID, x: -200, y: -200 })
      expect(c.editor.getShape(g), `${c.name} keeps G where it was on the page`).toMatchObject({ parentId: FIRST_PAGE_ID, x: 330, y: 140 })
      expect(c.editor.getShape(frame)).toBeUndefined()
    }
    expect(a.rejections).toEqual([])
    expect(a.adjustments).toEqual([{ id: g, what: 'reparented', reason: 'parent-removed' }])
  })

  it('dissolves a group emptied by a delete that raced a move, the same on both editors', async () => {
    const { a, b, converge } = await twoEditors()
    const [x, y, z] = [createShapeId('x'), createShapeId('y'), createShapeId('z')]
    a.editor.createShapes([box(x, 0, 0), box(y, 200, 0), box(z, 400, 0)])
    a.editor.groupShapes([x, y, z])
    await converge()
    const groupId = a.editor.getShape(x)!.parentId

    a.link.disconnect()
    a.editor.deleteShapes([y])
    b.editor.deleteShapes([z])
    await until(() => b.state.unconfirmed === 0, 'B’s delete confirmed')
    a.link.connect()
    await converge()

    for (const c of [a, b]) {
      expect(c.editor.getShape(groupId as TLShapeId), c.name).toBeUndefined()
      expect(c.editor.getShape(x), c.name).toMatchObject({ parentId: FIRST_PAGE_ID, x: 0, y: 0 })
    }
  })
})
