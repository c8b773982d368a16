import { EV, FIRST_PAGE_ID, PROTOCOL_VERSION, schemaFingerprint, type BatchFrame, type DocDiff, type Refusal } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { io, type Socket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { geoShape } from '@opificio/shared/testing'
import { ARTIFACTS, drawRectangle, joinBoard, rectangles, useTwoBrowsers, waitForRectangles } from '../harness/boardPage.ts'
import { createBoard, until, type BoardKey } from '../harness/server.ts'

const CRASH_SCREEN = 'Something went wrong'

/** A client that speaks the protocol by hand, so it can push what no honest client would: it holds the participants' link. */
async function rawClient(url: string, board: BoardKey) {
  const socket = io(url, { transports: ['websocket'], forceNew: true })
  const rejections = new Map<number, Refusal>()
  socket.on(EV.batch, (frame: BatchFrame) => {
    for (const entry of frame.own ?? []) if (entry.kind === 'rejected') rejections.set(entry.seq, entry.refusal)
  })
  await new Promise<void>((resolve) => {
    socket.once(EV.welcome, () => resolve())
    socket.emit(EV.hello, {
      protocol: PROTOCOL_VERSION,
      schema: schemaFingerprint(),
      boardId: board.id,
      token: board.token,
      clientId: 'poisoner-0001',
      lastOffset: null,
    })
  })
  return { socket, rejections }
}

const paragraph = (...content: unknown[]) => ({ type: 'paragraph', content })
const labelled = (name: string, richText: unknown): DocDiff => {
  const shape = geoShape(name, { x: 200, y: 150 }, { richText })
  return { [shape.id]: ['put', shape] }
}

function nestedGroups(depth: number): DocDiff {
  const diff: DocDiff = {}
  let parentId: string = FIRST_PAGE_ID
  for (let i = 0; i < depth; i++) {
    const group = geoShape(`nest${i}`, { type: 'group', parentId, props: {} })
    diff[group.id] = ['put', group]
    parentId = group.id
  }
  const leaf = geoShape('nestleaf', { parentId })
  diff[leaf.id] = ['put', leaf]
  return diff
}

const foreignImage: DocDiff = {
  'asset:evil': [
    'put',
    {
      id: 'asset:evil',
      typeName: 'asset',
      type: 'image',
      meta: {},
      props: { w: 1, h: 1, name: 'x.png', isAnimated: false, mimeType: 'image/png', src: 'http://evil.example/x.png' },
    } as unknown as UnknownRecord,
  ],
}

const POISONS: [string, DocDiff, RegExp][] = [
  [
    'a label with an unknown node type',
    labelled('blink', { type: 'doc', content: [paragraph({ type: 'blink', text: 'x' })] }),
    /unknown node type "blink"/,
  ],
  ['a label that is not a doc', labelled('notdoc', paragraph({ type: 'text', text: 'x' })), /must be a doc/],
  ['a text node without text', labelled('notext', { type: 'doc', content: [paragraph({ type: 'text' })] }), /needs non-empty text/],
  ['2,000 nested groups', nestedGroups(2000), /nested more than \d+ groups or frames deep/],
  ['an image on another host', foreignImage, /image asset src must be/],
]

async function expectCanvasAlive(page: Page) {
  await page.waitForSelector('.tl-canvas')
  expect(await page.getByText(CRASH_SCREEN).count()).toBe(0)
}

/**
 * Puts `records` straight into the page's store as if they had come from the server, past every
 * check: what a board poisoned before the server refused such records would hand a browser.
 */
async function injectPastValidation(page: Page, records: object[]) {
  await page.evaluate((records) => {
    const { store } = (window as any).opificioEditor
    store.mergeRemoteChanges(() => store.put(records.map((r: object) => store.schema.types.shape.create(r))))
  }, records)
}

describe('poison shapes', () => {
  const env = useTwoBrowsers()
  const sockets: Socket[] = []
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close()
  })

  it('are refused by the server with a reason, and the open boards keep working', async () => {
    const board = await createBoard(env.server.url, 'Veleno')
    const link = board.links.participant
    const a = await joinBoard(env.a, link, 'Giulia')
    const b = await joinBoard(env.b, link, 'Marco')
    const poisoner = await rawClient(env.server.url, board.participant)
    sockets.push(poisoner.socket)

    POISONS.forEach(([, diff], i) => poisoner.socket.emit(EV.push, { seq: i + 1, diff }))
    await until(
      () => poisoner.rejections.size === POISONS.length,
      () => `rejections, got ${[...poisoner.rejections.values()].map((r) => r.detail).join('; ')}`
    )
    POISONS.forEach(([name, , reason], i) => expect(poisoner.rejections.get(i + 1)?.detail, name).toMatch(reason))

    await expectCanvasAlive(a.page)
    await drawRectangle(a.page, 400, 300)
    await waitForRectangles(b.page, 1, 5000)
    await expectCanvasAlive(b.page)
    expect([...a.errors, ...b.errors]).toEqual([])
    expect(a.foreign).toEqual([])
  })

  it('a shape that throws while drawing shows as broken, and the board stays usable', async () => {
    const board = await createBoard(env.server.url, 'Veleno nel browser')
    const link = board.links.participant
    const a = await joinBoard(env.a, link, 'Giulia')
    const b = await joinBoard(env.b, link, 'Marco')
    await drawRectangle(a.page, 700, 300)
    await waitForRectangles(b.page, 1, 5000)

    // A draw stroke whose encoded points stop short of one point (tldraw's validator only asks for
    // a string), and a label from before the server checked rich text.
    const drawProps = await a.page.evaluate(() => (window as any).opificioEditor.getShapeUtil('draw').getDefaultProps())
    await injectPastValidation(a.page, [
      {
        id: 'shape:cutstroke',
        type: 'draw',
        x: 300,
        y: 150,
        index: 'a5',
        parentId: FIRST_PAGE_ID,
        props: { ...drawProps, segments: [{ type: 'free', path: 'AAAA' }] },
      },
      { ...(geoShape('oldlabel', { x: 300, y: 400 }, { richText: { type: 'doc', content: [paragraph({ type: 'blink', text: 'x' })] } }) as object) },
    ])

    const broken = a.page.locator('.op-broken-shape')
    await expect.poll(() => broken.count(), { timeout: 5000 }).toBe(2)
    expect(await broken.first().textContent()).toBe('Forma danneggiata')
    await expectCanvasAlive(a.page)
    expect(await rectangles(a.page)).toBe(2)
    await a.page.screenshot({ path: join(ARTIFACTS, 'poison.png') })

    // Select the broken stroke by clicking it, delete it.
    const box = (await broken.first().boundingBox())!
    await a.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    const selected = () => a.page.evaluate(() => (window as any).opificioEditor.getSelectedShapeIds())
    await expect.poll(selected, { timeout: 2000 }).toHaveLength(1)
    await a.page.keyboard.press('Delete')
    await expect.poll(() => broken.count(), { timeout: 2000 }).toBe(1)

    // Drawing goes on, and the others see it.
    await drawRectangle(a.page, 700, 550)
    await waitForRectangles(b.page, 2, 5000)
    await expectCanvasAlive(a.page)
    expect([...a.errors, ...b.errors]).toEqual([])
  })
})
