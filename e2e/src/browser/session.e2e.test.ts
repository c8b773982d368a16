import { EV, FIRST_PAGE_ID, SESSION_RECORD_ID, type RefusedMessage, type SessionRecord } from '@opificio/shared'
import { geoShape } from '@opificio/shared/testing'
import type { UnknownRecord } from '@tldraw/store'
import jsQR from 'jsqr'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, joinBoard, screenRect } from '../harness/boardPage.ts'
import { launchContext } from '../harness/browser.ts'
import { rawClient } from '../harness/rawClient.ts'
import { createBoard, startServer, until } from '../harness/server.ts'

/** How long a change made on one screen may take to show on another. */
const SYNC_MS = 5000
const PROJECTOR_VIEWPORT = { width: 1920, height: 1080 }

/** What a page's camera shows: the centre of its viewport in page coordinates, and its zoom. */
interface View {
  cx: number
  cy: number
  w: number
  h: number
  z: number
}

function view(page: Page): Promise<View> {
  return page.evaluate(() => {
    const editor = (window as any).opificioEditor
    const b = editor.getViewportPageBounds()
    return { cx: b.x + b.w / 2, cy: b.y + b.h / 2, w: b.w, h: b.h, z: editor.getZoomLevel() }
  })
}

const distance = (a: { cx: number; cy: number }, b: { cx: number; cy: number }) => Math.hypot(a.cx - b.cx, a.cy - b.cy)

/** The ids of the shapes on the page's current page (read only). */
function shapeIds(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as any).opificioEditor
      .getCurrentPageShapes()
      .map((s: any) => s.id as string)
      .sort()
  )
}

/** The ids of the shapes of a kind of element card (read only). */
function cardsOfKind(page: Page, kind: string): Promise<string[]> {
  return page.evaluate(
    (k) =>
      (window as any).opificioEditor
        .getCurrentPageShapes()
        .filter((s: any) => s.type === 'element' && s.props.kind === k)
        .map((s: any) => s.id as string),
    kind
  )
}

/** Every removal of `id` the page's store ever sees from now on, as a list on `window`. */
function watchRemovals(page: Page, id: string) {
  return page.evaluate((shapeId) => {
    const w = window as any
    w.removalsSeen = [] as string[]
    w.opificioEditor.store.listen((entry: any) => {
      if (shapeId in entry.changes.removed) w.removalsSeen.push(shapeId)
    })
  }, id)
}
const removalsSeen = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).removalsSeen)

/** The facilitator pans with the mouse wheel over the canvas, as a trackpad does. */
async function pan(page: Page, dx: number, dy: number) {
  const box = (await page.locator('.op-board__canvas').boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  // In steps, as a wheel sends them.
  for (let i = 0; i < 5; i++) await page.mouse.wheel(dx / 5, dy / 5)
}

/** Until the page's camera holds still: two reads 100 ms apart agree. */
async function settledView(page: Page): Promise<View> {
  let last = await view(page)
  for (const start = Date.now(); Date.now() - start < SYNC_MS; ) {
    await page.waitForTimeout(100)
    const next = await view(page)
    if (JSON.stringify(next) === JSON.stringify(last)) return next
    last = next
  }
  throw new Error('the camera kept moving')
}

/** Opens the facilitator's Sessione panel, if it is not open already. */
async function openSessionPanel(page: Page) {
  const button = page.locator('.op-tools button[aria-controls]', { hasText: 'Sessione' })
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click()
  await page.locator('.op-session').waitFor({ state: 'visible' })
}

/** The QR code as the screen shows it, decoded: the element's screenshot, read back into pixels by Chromium, then jsQR. */
async function decodeQrOnScreen(page: Page, selector: string): Promise<string | null> {
  const png = await page.locator(selector).screenshot()
  const pixels = await page.evaluate(async (b64) => {
    const img = new Image()
    img.src = `data:image/png;base64,${b64}`
    await img.decode()
    const canvas = document.createElement('canvas')
    canvas.width = img.naturalWidth
    canvas.height = img.naturalHeight
    const ctx = canvas.getContext('2d')!
    ctx.drawImage(img, 0, 0)
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data
    let bin = ''
    for (let i = 0; i < data.length; i++) bin += String.fromCharCode(data[i])
    return { width: canvas.width, height: canvas.height, b64: btoa(bin) }
  }, png.toString('base64'))
  const rgba = new Uint8ClampedArray(Buffer.from(pixels.b64, 'base64'))
  return jsQR(rgba, pixels.width, pixels.height)?.data ?? null
}

/**
 * From now on, every text the element matching `selector` shows, with the page's time: a
 * MutationObserver, so a value shown for a single frame is seen too.
 */
function recordTexts(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const w = window as any
    w.textsShown = [] as { text: string; at: number }[]
    const note = () => {
      const text = document.querySelector(sel)?.textContent ?? null
      if (text !== null && text !== w.textsShown.at(-1)?.text) w.textsShown.push({ text, at: Date.now() })
    }
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true })
    note()
  }, selector)
}
const recordedTexts = (page: Page): Promise<{ text: string; at: number }[]> => page.evaluate(() => (window as any).textsShown)

/** mm:ss (or h:mm:ss) as seconds. */
function seconds(clock: string): number {
  const parts = clock.trim().split(':').map(Number)
  if (parts.length < 2 || parts.some((n) => !Number.isInteger(n))) throw new Error(`not a clock: "${clock}"`)
  return parts.reduce((total, n) => total * 60 + n, 0)
}

describe('a live session on three screens: facilitator, participant, projector', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  let facilitatorCtx: BrowserContext
  let participantCtx: BrowserContext
  let projectorCtx: BrowserContext

  beforeAll(async () => {
    server = await startServer()
    ;[facilitatorCtx, participantCtx, projectorCtx] = await Promise.all([
      launchContext(),
      launchContext(),
      launchContext({ viewport: PROJECTOR_VIEWPORT }),
    ])
  })
  afterAll(async () => {
    await facilitatorCtx?.close()
    await participantCtx?.close()
    await projectorCtx?.close()
    await server?.close()
  })

  /** What the server holds of the board, now. */
  async function stored(boardId: string): Promise<UnknownRecord[]> {
    const room = await server.app.rooms.get(boardId)
    if (!room) throw new Error(`no room for ${boardId}`)
    return room.documentRecords
  }
  const storedIds = async (boardId: string) =>
    (await stored(boardId))
      .filter((r) => r.typeName === 'shape')
      .map((r) => r.id)
      .sort()
  const storedSession = async (boardId: string) => (await stored(boardId)).find((r) => r.id === SESSION_RECORD_ID) as SessionRecord | undefined

  /** A new board opened on the three screens, each by its own role link. */
  async function openOnThreeScreens(title: string) {
    const board = await createBoard(server.url, title)
    const [facilitator, participant, projector] = await Promise.all([
      joinBoard(facilitatorCtx, board.links.facilitator, 'Giulia'),
      joinBoard(participantCtx, board.links.participant, 'Marco'),
      joinBoard(projectorCtx, board.links.projector, 'Proiettore'),
    ])
    // The projector is the projector view, not a board with tools.
    await projector.page.locator('.op-projector[data-role="projector"]').waitFor()
    return {
      board,
      f: facilitator.page,
      p: participant.page,
      j: projector.page,
      errors: () => [...facilitator.errors, ...participant.errors, ...projector.errors],
    }
  }

  /** Places an element card from the palette (in the middle of the page's view) and returns its id. */
  async function placeCard(page: Page, kind: string): Promise<string> {
    const before = await cardsOfKind(page, kind)
    await page.click(`[data-kind="${kind}"]`)
    await expect.poll(async () => (await cardsOfKind(page, kind)).length, { timeout: SYNC_MS }).toBe(before.length + 1)
    return (await cardsOfKind(page, kind)).find((id) => !before.includes(id))!
  }

  it('the projector follows the facilitator’s pan, and again after it reloads', async () => {
    const { f, j, errors } = await openOnThreeScreens('Proiettore che segue')
    // Something to look at, so the screenshot shows the board too.
    await placeCard(f, 'comune')
    await f.keyboard.press('Escape')
    // The projector follows as soon as it knows the facilitator's view: no "waiting" note.
    await j.locator('.op-projector__waiting').waitFor({ state: 'detached', timeout: SYNC_MS })

    /**
     * The projector shows the facilitator's centre (its zoom may differ: it zooms in for names to
     * be readable, or out to show all they see). Both cameras come from the same numbers: the
     * facilitator's camera and viewport, relayed in its presence. The tolerance is one pixel of
     * the projected image (1/zoom in page units): nobody in the room could see less than that.
     */
    const expectFollowing = async (what: string) => {
      const theirs = await settledView(f)
      await expect
        .poll(
          async () => {
            const ours = await view(j)
            return distance(ours, theirs) * ours.z
          },
          { timeout: SYNC_MS, message: `the projector is not centred on the facilitator's view ${what}` }
        )
        .toBeLessThan(1)
      const ours = await settledView(j)
      console.log(
        `[session] ${what}: facilitator centre (${theirs.cx.toFixed(2)}, ${theirs.cy.toFixed(2)}) z=${theirs.z}, projector (${ours.cx.toFixed(2)}, ${ours.cy.toFixed(2)}) z=${ours.z.toFixed(3)}, off by ${(distance(ours, theirs) * ours.z).toFixed(3)} projected px`
      )
      expect(distance(ours, theirs) * ours.z).toBeLessThan(1)
      return ours
    }

    const start = await expectFollowing('at the start')
    // A pan small enough to keep the card in view, so the screenshot shows it moved.
    await pan(f, 250, 150)
    const panned = await settledView(f)
    expect(distance(panned, start)).toBeGreaterThan(200)
    const t0 = Date.now()
    await expectFollowing('after a pan')
    console.log(`[session] projector followed the pan within ${Date.now() - t0} ms`)
    await j.screenshot({ path: join(ARTIFACTS, 'session-projector-follow.png') })

    await j.reload()
    await j.waitForFunction(() => Boolean((window as any).opificioEditor), undefined, { timeout: 30_000 })
    await j.locator('.op-projector__waiting').waitFor({ state: 'detached', timeout: SYNC_MS })
    await expectFollowing('after the projector reloaded')
    await pan(f, -900, 250)
    await expectFollowing('after a pan following the reload')
    expect(errors()).toEqual([])
  })

  it('a summon brings the participant’s view to the facilitator’s', async () => {
    const { board, f, p, j, errors } = await openOnThreeScreens('Porta tutti')
    await pan(f, 1500, -1100)
    const target = await settledView(f)
    // The projector follows the facilitator's pan; the participant does not, until summoned.
    // (The projector having moved is the later event: the pan has reached the server and come back.)
    await expect.poll(async () => distance(await view(j), target) * (await view(j)).z, { timeout: SYNC_MS }).toBeLessThan(1)
    const before = await view(p)
    expect(distance(before, target)).toBeGreaterThan(1000)
    expect(await storedSession(board.id).then((s) => s?.summon ?? null)).toBeNull()

    await openSessionPanel(f)
    const summoned = Date.now()
    await f.getByRole('button', { name: 'Porta tutti alla mia vista', exact: true }).click()

    // The server stores where everyone was brought: exactly the facilitator's viewport.
    await expect.poll(async () => (await storedSession(board.id))?.summon, { timeout: SYNC_MS }).toMatchObject({ n: 1 })
    const summon = (await storedSession(board.id))!.summon!
    expect(summon.x).toBeCloseTo(target.cx - target.w / 2, 6)
    expect(summon.y).toBeCloseTo(target.cy - target.h / 2, 6)
    expect(summon.w).toBeCloseTo(target.w, 6)
    expect(summon.h).toBeCloseTo(target.h, 6)

    // The participant's view is centred there, showing all of it (same window, so the same view).
    await expect
      .poll(async () => distance(await view(p), target) * (await view(p)).z, { timeout: SYNC_MS, message: 'the participant was not brought there' })
      .toBeLessThan(1)
    const after = await settledView(p)
    console.log(
      `[session] summon: participant moved from (${before.cx.toFixed(0)}, ${before.cy.toFixed(0)}) to (${after.cx.toFixed(2)}, ${after.cy.toFixed(2)}) z=${after.z}, target (${target.cx.toFixed(2)}, ${target.cy.toFixed(2)}) z=${target.z}, in ${Date.now() - summoned} ms`
    )
    expect(distance(after, target) * after.z).toBeLessThan(1)
    // All the summoned area is on the participant's screen (one side fits exactly, with rounding).
    expect(after.w).toBeGreaterThanOrEqual(target.w - 1)
    expect(after.h).toBeGreaterThanOrEqual(target.h - 1)
    expect(Math.min(after.w - target.w, after.h - target.h)).toBeLessThan(1)
    expect(errors()).toEqual([])
  })

  it('a locked card survives the participant’s select-all delete and a hand-made removal, on every screen and on the server', async () => {
    const { board, f, p, j, errors } = await openOnThreeScreens('Blocco')
    // The facilitator places a card and locks it with the bar's Blocca.
    const locked = await placeCard(f, 'comune')
    await f.keyboard.press('Escape')
    const r = await screenRect(f, locked)
    await f.mouse.click(r.x + r.w / 2, r.y + r.h / 2)
    await expect.poll(() => f.evaluate(() => (window as any).opificioEditor.getSelectedShapeIds())).toEqual([locked])
    await f.getByRole('button', { name: /^Blocca gli elementi selezionati/ }).click()
    const isLockedIn = (page: Page) => page.evaluate((id) => (window as any).opificioEditor.getShape(id)?.isLocked ?? null, locked)
    // Locking deselects (as tldraw's Shift+L does): the card is locked here first.
    await expect.poll(() => isLockedIn(f), { timeout: SYNC_MS }).toBe(true)
    await expect.poll(() => isLockedIn(p), { timeout: SYNC_MS }).toBe(true)
    await expect.poll(() => isLockedIn(j), { timeout: SYNC_MS }).toBe(true)
    await expect
      .poll(async () => ((await stored(board.id)).find((s) => s.id === locked) as { isLocked?: boolean } | undefined)?.isLocked, { timeout: SYNC_MS })
      .toBe(true)
    for (const page of [f, j]) await watchRemovals(page, locked)

    // The participant adds a card of their own, unlocked, so that the select-all delete has something to take.
    const own = await placeCard(p, 'cittadino')
    await expect.poll(() => shapeIds(f), { timeout: SYNC_MS }).toEqual([locked, own].sort())
    await expect.poll(() => shapeIds(j), { timeout: SYNC_MS }).toEqual([locked, own].sort())

    // 1. By hand, from the console: the store removes it here, the server refuses, it comes back.
    await watchRemovals(p, locked)
    await p.evaluate((id) => (window as any).opificioEditor.store.remove([id]), locked)
    // tldraw tells store listeners at its next flush, not at once.
    await expect.poll(() => removalsSeen(p)).toEqual([locked])
    await expect.poll(() => shapeIds(p), { timeout: SYNC_MS, message: 'the refused removal was not rolled back' }).toEqual([locked, own].sort())
    // And the participant is told why.
    await p.locator('.op-notice', { hasText: 'Questo elemento è bloccato da chi facilita' }).first().waitFor({ timeout: SYNC_MS })

    // 2. Select all and Delete, as a person would.
    await p.mouse.click(900, 650)
    await p.keyboard.press('Escape')
    await p.keyboard.press('Control+a')
    await expect.poll(() => p.evaluate(() => (window as any).opificioEditor.getSelectedShapeIds())).toEqual([own])
    await p.keyboard.press('Delete')

    // The participant's own card goes everywhere (the later, ordered event); the locked one stays everywhere.
    for (const page of [p, f, j]) await expect.poll(() => shapeIds(page), { timeout: SYNC_MS }).toEqual([locked])
    await expect.poll(() => storedIds(board.id), { timeout: SYNC_MS }).toEqual([locked])
    expect(await removalsSeen(f)).toEqual([])
    expect(await removalsSeen(j)).toEqual([])
    expect(await isLockedIn(p)).toBe(true)
    // Still drawn on every screen.
    for (const page of [f, p, j]) {
      expect(await page.locator(`.tl-shape[data-shape-type="element"]`).count()).toBe(1)
    }
    expect(errors()).toEqual([])
  })

  it('only the facilitator is offered removing a page, and a participant’s editor keeps every page', async () => {
    const { f, p, errors } = await openOnThreeScreens('Pagine')
    await f.evaluate(() => (window as any).opificioEditor.createPage({ name: 'Fase 2' }))
    const pageCount = (page: Page) => page.evaluate(() => (window as any).opificioEditor.getPages().length)
    await expect.poll(() => pageCount(p), { timeout: SYNC_MS }).toBe(2)
    const deleteOffered = async (page: Page) => {
      await page.getByTestId('page-menu.button').click()
      await page.getByTestId('page-menu.item-submenu').last().click()
      await page.getByTestId('page-menu.duplicate').waitFor()
      const offered = await page.getByTestId('page-menu.delete').isVisible()
      await page.keyboard.press('Escape')
      await page.keyboard.press('Escape')
      return offered
    }
    expect(await deleteOffered(f)).toBe(true)
    expect(await deleteOffered(p)).toBe(false)
    // Nor any other way the editor offers: the page stays, and nothing is sent for the server to refuse.
    await p.evaluate(() => {
      const editor = (window as any).opificioEditor
      editor.deletePage(editor.getPages()[1].id)
    })
    await p.waitForTimeout(500)
    expect(await pageCount(p)).toBe(2)
    expect(await p.locator('.op-notice').count()).toBe(0)
    expect(errors()).toEqual([])
  })

  it('the projector’s QR code holds exactly the participants’ link', async () => {
    const { board, j, errors } = await openOnThreeScreens('Codice QR')
    await j.locator('.op-projector__qr').waitFor({ state: 'visible', timeout: SYNC_MS })
    // Let the idle projector hide its own controls, as the room sees it.
    await j.locator('.op-projector--idle').waitFor({ timeout: SYNC_MS })
    await j.screenshot({ path: join(ARTIFACTS, 'session-projector-qr.png') })
    const decoded = await decodeQrOnScreen(j, '.op-projector__qr')
    expect(decoded).toBe(board.links.participant)
    // The link is written out under the code too, whole when it fits (90 characters).
    const shown = board.links.participant.replace(/^https:\/\//, '')
    if (shown.length <= 90) expect(await j.locator('.op-projector__url').textContent()).toBe(shown)
    else expect(await j.locator('.op-projector__url').textContent()).toBe(new URL(board.links.participant).host)
    expect(errors()).toEqual([])
  })

  it('the projector cannot edit, not even by a hand-made socket message or through its page’s store', async () => {
    const { board, f, p, j, errors } = await openOnThreeScreens('Solo proiezione')
    const card = await placeCard(f, 'comune')
    await expect.poll(() => storedIds(board.id), { timeout: SYNC_MS }).toEqual([card])
    const snapshot = async () => JSON.stringify([...(await stored(board.id))].sort((a, b) => (a.id < b.id ? -1 : 1)))
    const before = await snapshot()

    // 1. A bare socket with the projector's token.
    const raw = rawClient(server.url, board.projector)
    const refused: RefusedMessage[] = []
    raw.socket.on(EV.refused, (m: RefusedMessage) => refused.push(m))
    try {
      const welcome = await raw.join()
      expect(welcome.role).toBe('projector')
      const forged = geoShape('from-projector', { x: 100, y: 100 })
      const cardRecord = (await stored(board.id)).find((r) => r.id === card)!
      raw.push(1, { [forged.id]: ['put', forged] })
      raw.push(2, { [card]: ['patch', { set: { x: (cardRecord as any).x + 500 } }] })
      raw.push(3, { [card]: ['remove'] })
      raw.socket.emit(EV.control, { action: 'timer-start', ms: 60_000 })
      raw.socket.emit(EV.control, { action: 'summon', to: { pageId: FIRST_PAGE_ID, x: 0, y: 0, w: 100, h: 100 } })
      await until(
        () => raw.entries.filter((e) => e.kind === 'rejected').length === 3 && refused.length === 2,
        () => `three rejections and two refusals, got ${JSON.stringify({ entries: raw.entries, refused })}`,
        SYNC_MS
      )
      expect(
        raw.entries.filter((e) => e.kind === 'rejected').map((e) => e.kind === 'rejected' && { seq: e.seq, code: e.refusal.code, offset: e.offset })
      ).toEqual([
        { seq: 1, code: 'forbidden', offset: undefined },
        { seq: 2, code: 'forbidden', offset: undefined },
        { seq: 3, code: 'forbidden', offset: undefined },
      ])
      expect(raw.entries.filter((e) => e.kind === 'ack')).toEqual([])
      expect(refused.map((m) => ({ event: m.event, code: m.refusal.code }))).toEqual([
        { event: 'control', code: 'forbidden' },
        { event: 'control', code: 'forbidden' },
      ])
      expect(await snapshot()).toBe(before)
      expect(await storedSession(board.id).then((s) => s?.timer.state ?? 'stopped')).toBe('stopped')
    } finally {
      raw.close()
    }

    // 2. The projector's own page, by hand through its editor's store: a new shape, a moved card,
    // a removed card. Each is undone on the projector's page, and none reaches anyone else.
    const forgedOnPage = geoShape('from-projector-page', { x: 300, y: 100 })
    const cardX = (page: Page) => page.evaluate((id) => (window as any).opificioEditor.getShape(id).x as number, card)
    const xBefore = await cardX(f)
    const edited = await j.evaluate(
      ({ forged, card }) => {
        const editor = (window as any).opificioEditor
        editor.store.put([forged])
        const c = editor.store.get(card)
        editor.store.put([{ ...c, x: c.x + 500 }])
        return {
          ids: editor
            .getCurrentPageShapes()
            .map((s: any) => s.id)
            .sort(),
          x: editor.getShape(card).x,
        }
      },
      { forged: forgedOnPage, card }
    )
    expect(edited).toEqual({ ids: [card, forgedOnPage.id].sort(), x: xBefore + 500 })
    await expect
      .poll(async () => ({ ids: await shapeIds(j), x: await cardX(j) }), { timeout: SYNC_MS, message: 'the projector page kept its own changes' })
      .toEqual({ ids: [card], x: xBefore })
    const removed = await j.evaluate((id) => {
      const editor = (window as any).opificioEditor
      editor.store.remove([id])
      return editor.getCurrentPageShapes().length
    }, card)
    expect(removed).toBe(0)
    await expect.poll(() => shapeIds(j), { timeout: SYNC_MS, message: 'the projector page kept its removal' }).toEqual([card])

    // A later change of the facilitator's reaches everyone: whatever the projector sent before it has been decided.
    const second = await placeCard(f, 'giunta')
    for (const page of [p, j]) await expect.poll(() => shapeIds(page), { timeout: SYNC_MS }).toEqual([card, second].sort())
    expect(await shapeIds(f)).toEqual([card, second].sort())
    expect(await storedIds(board.id)).toEqual([card, second].sort())
    expect(await cardX(p)).toBe(await cardX(f))
    expect(errors()).toEqual([])
  })

  it('the timer shows the same time left on the three screens, within a second', async () => {
    const { board, f, p, j, errors } = await openOnThreeScreens('Timer')
    await placeCard(f, 'comune')
    await f.keyboard.press('Escape')
    const screens = [
      { who: 'facilitator', page: f, selector: '.op-timer__clock' },
      { who: 'participant', page: p, selector: '.op-timer__clock' },
      { who: 'projector', page: j, selector: '.op-projector__timer-value' },
    ]
    // Every value each screen shows from now on, and when (what a person glancing at it would read).
    for (const { page, selector } of screens) await recordTexts(page, selector)
    await openSessionPanel(f)
    expect(await f.locator('.op-session__minutes-input').inputValue()).toBe('5')
    await f.locator('.op-session button', { hasText: 'Avvia' }).click()
    await expect.poll(async () => (await storedSession(board.id))?.timer.state, { timeout: SYNC_MS }).toBe('running')
    const { endsAt, remainingMs } = (await storedSession(board.id))!.timer
    expect(remainingMs).toBe(5 * 60_000)
    for (const { page, selector } of screens) await page.locator(selector).waitFor({ state: 'visible', timeout: SYNC_MS })

    /** What the server's end time leaves at `at` (this machine's clock, shared by the server and the browsers), rounded up. */
    const truth = (at: number) => Math.ceil((endsAt - at) / 1000)
    const readAll = () =>
      Promise.all(
        screens.map(({ page, selector }) =>
          page.evaluate((sel) => ({ text: document.querySelector(sel)?.textContent ?? '', at: Date.now() }), selector)
        )
      )
    // Three readings of the three screens at the same moment, each once the facilitator's clock has turned a second.
    for (let reading = 0; reading < 3; reading++) {
      const shown = await readAll()
      const secs = shown.map((s) => seconds(s.text))
      const spread = Math.max(...shown.map((s) => s.at)) - Math.min(...shown.map((s) => s.at))
      console.log(
        `[session] timer reading ${reading}: ${screens.map((s, i) => `${s.who} ${shown[i].text} (true ${truth(shown[i].at)})`).join(', ')}; read within ${spread} ms`
      )
      expect(spread).toBeLessThan(300)
      // Soft: every reading and the whole history are reported, not only the first that fails.
      expect.soft(Math.max(...secs) - Math.min(...secs), `the screens disagree: ${shown.map((s) => s.text).join(' / ')}`).toBeLessThanOrEqual(1)
      shown.forEach((s, i) =>
        expect.soft(Math.abs(seconds(s.text) - truth(s.at)), `${screens[i].who} shows ${s.text}, ${truth(s.at)} s are left`).toBeLessThanOrEqual(1)
      )
      const last = shown[0].text
      await expect.poll(() => f.locator('.op-timer__clock').textContent(), { timeout: 3000 }).not.toBe(last)
    }
    // The idle projector hides its own contrast button: the room's view.
    await j.locator('.op-projector--idle').waitFor({ timeout: SYNC_MS })
    await j.screenshot({ path: join(ARTIFACTS, 'session-projector.png') })

    // Not only at those moments: nothing any screen showed, from the start, was more than a second off.
    for (const { who, page } of screens) {
      const history = await recordedTexts(page)
      expect(history.length).toBeGreaterThan(0)
      const wrong = history.filter((h) => Math.abs(seconds(h.text) - truth(h.at)) > 1)
      expect
        .soft(
          wrong.map(
            (h) => `${h.text} when ${String(Math.floor(truth(h.at) / 60)).padStart(2, '0')}:${String(truth(h.at) % 60).padStart(2, '0')} was left`
          ),
          `${who} showed a wrong time`
        )
        .toEqual([])
    }
    expect(errors()).toEqual([])
  })
})
