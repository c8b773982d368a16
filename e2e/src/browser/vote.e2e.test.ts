import type { DotRecord, VoteRecord } from '@opificio/shared'
import { EmbeddedStorage } from '@opificio/server/testing'
import type { UnknownRecord } from '@tldraw/store'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, joinBoard } from '../harness/boardPage.ts'
import { launchContext, PHONE } from '../harness/browser.ts'
import { createBoard, startServer } from '../harness/server.ts'

/** How long a change made on one screen may take to show on another. */
const SYNC_MS = 5000
/** The smallest touch target a finger hits reliably (CSS px). */
const FINGER = 44

/** A phone: small portrait screen, touch, mobile user agent behaviour. */
const launchPhone = () => launchContext(PHONE)

/** The ids of the element cards on the page's current page (read only). */
function cards(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as any).opificioEditor
      .getCurrentPageShapes()
      .filter((s: any) => s.type === 'element')
      .map((s: any) => s.id as string)
  )
}

/** A shape's centre on the page's screen (CSS pixels). */
function screenCentre(page: Page, id: string) {
  return page.evaluate((shapeId) => {
    const editor = (window as any).opificioEditor
    const b = editor.getShapePageBounds(shapeId)
    return editor.pageToScreen({ x: b.midX, y: b.midY }) as { x: number; y: number }
  }, id)
}

/** Places a card from the palette, in the middle of the view, then drags it `dy` pixels down with the mouse. */
async function placeCard(page: Page, dy: number): Promise<string> {
  const before = await cards(page)
  await page.click('[data-kind="comune"]')
  await expect.poll(async () => (await cards(page)).length, { timeout: SYNC_MS }).toBe(before.length + 1)
  const id = (await cards(page)).find((c) => !before.includes(c))!
  await page.keyboard.press('Escape')
  if (dy !== 0) {
    const c = await screenCentre(page, id)
    await page.mouse.move(c.x, c.y)
    await page.mouse.down()
    await page.mouse.move(c.x, c.y + dy / 2, { steps: 5 })
    await page.mouse.move(c.x, c.y + dy, { steps: 5 })
    await page.mouse.up()
    await page.keyboard.press('Escape')
    const moved = await screenCentre(page, id)
    expect(Math.abs(moved.y - (c.y + dy))).toBeLessThan(2)
  }
  return id
}

/** Opens the facilitator's Sessione panel, if it is not open already. */
async function openSessionPanel(page: Page) {
  const button = page.locator('.op-tools button[aria-controls]', { hasText: 'Sessione' })
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click()
  await page.locator('.op-session').waitFor({ state: 'visible' })
}
async function closeSessionPanel(page: Page) {
  await page.locator('.op-session__head button').click()
  await page.locator('.op-session').waitFor({ state: 'detached' })
}

const control = (page: Page, target: string) => page.locator(`.op-vote-control[data-target="${target}"]`)

/** A dot placed or taken back through the element's control, as a person does, then the server's answer awaited. */
async function ballot(page: Page, target: string, op: 'add' | 'remove', how: 'click' | 'tap') {
  const ctl = control(page, target)
  const mine = Number(await ctl.getAttribute('data-mine'))
  const button = ctl.locator(op === 'add' ? '.op-vote-control__add' : '.op-vote-control__remove')
  await (how === 'tap' ? button.tap() : button.click())
  await expect.poll(async () => Number(await ctl.getAttribute('data-mine')), { timeout: SYNC_MS }).toBe(mine + (op === 'add' ? 1 : -1))
}

const dotsLeft = (page: Page) => page.locator('.op-vote-status__left').getAttribute('data-left').then(Number)

/** The counts a page shows, by element: what the result badges say. */
function shownCounts(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.op-vote-results')].map(
        (el) => [el.getAttribute('data-target'), (el.textContent ?? '').trim()] as [string, string]
      )
    )
  )
}

describe('anonymous dot voting on four screens: facilitator, two participants (one on a phone), projector', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  let dataDir: string
  let contexts: BrowserContext[] = []

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'opificio-e2e-vote-'))
    server = await startServer({ dataDir })
    contexts = await Promise.all([launchContext(), launchContext(), launchPhone(), launchContext({ viewport: { width: 1920, height: 1080 } })])
  })
  afterAll(async () => {
    for (const ctx of contexts) await ctx?.close()
    await server?.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  async function stored(boardId: string): Promise<UnknownRecord[]> {
    const room = await server.app.rooms.get(boardId)
    if (!room) throw new Error(`no room for ${boardId}`)
    return room.documentRecords
  }

  it('dots are placed and taken back in secret, then counted and shown to everyone, and kept', async () => {
    const board = await createBoard(server.url, 'Priorità')
    const [fj, aj, bj, jj] = await Promise.all([
      joinBoard(contexts[0], board.links.facilitator, 'Giulia'),
      joinBoard(contexts[1], board.links.participant, 'Marco'),
      joinBoard(contexts[2], board.links.participant, 'Sara'),
      joinBoard(contexts[3], board.links.projector, 'Proiettore'),
    ])
    const [f, a, b, j] = [fj.page, aj.page, bj.page, jj.page]
    const pages = { facilitator: f, marco: a, sara: b, projector: j }
    const errors = () => [...fj.errors, ...aj.errors, ...bj.errors, ...jj.errors]
    await j.locator('.op-projector[data-role="projector"]').waitFor()

    // Who is who, for the server: the keys each page pushes and votes under.
    const room = (await server.app.rooms.get(board.id)) as unknown as { sessions: Set<{ role: string; writerId: string }> }
    await expect.poll(() => room.sessions.size, { timeout: SYNC_MS }).toBe(4)
    const voters = [...room.sessions].filter((s) => s.role !== 'projector').map((s) => s.writerId)
    const participants = [...room.sessions].filter((s) => s.role === 'participant').map((s) => s.writerId)
    expect(voters).toHaveLength(3)
    expect(participants).toHaveLength(2)

    // 1. The facilitator places three cards, in a column (a phone shows a column best).
    const c1 = await placeCard(f, -240)
    const c2 = await placeCard(f, 0)
    const c3 = await placeCard(f, 240)
    for (const page of Object.values(pages)) await expect.poll(async () => (await cards(page)).length, { timeout: SYNC_MS }).toBe(3)

    // 2. Selects them, brings everyone there, opens a vote with 2 dots each.
    await f.mouse.click(640, 700)
    await f.keyboard.press('Escape')
    await f.keyboard.press('Control+a')
    await expect.poll(() => f.evaluate(() => (window as any).opificioEditor.getSelectedShapeIds().length)).toBe(3)
    await openSessionPanel(f)
    await expect(f.locator('.op-session__vote [data-vote-targets]').getAttribute('data-vote-targets')).resolves.toBe('3')
    await f.getByRole('button', { name: 'Porta tutti alla selezione', exact: true }).click()
    await f.locator('.op-session__vote input[type=number]').fill('2')
    await f.getByRole('button', { name: 'Apri una votazione', exact: true }).click()
    await expect.poll(async () => (await stored(board.id)).filter((r) => r.typeName === 'vote').length, { timeout: SYNC_MS }).toBe(1)
    const vote = (await stored(board.id)).find((r) => r.typeName === 'vote') as VoteRecord
    expect(vote).toMatchObject({ targets: [c1, c2, c3], dots: 2, state: 'open', results: null })
    await f.locator('.op-session__vote-placed[data-placed="0"]').waitFor({ timeout: SYNC_MS })
    await closeSessionPanel(f)

    // Every voter sees a control on each of the three cards and their 2 dots; the projector none.
    for (const page of [f, a, b]) {
      for (const id of [c1, c2, c3]) await control(page, id).waitFor({ state: 'visible', timeout: SYNC_MS })
      await expect.poll(() => dotsLeft(page), { timeout: SYNC_MS }).toBe(2)
      await expect(page.locator('.op-vote-status').textContent()).resolves.toContain('2 punti rimasti')
    }
    await j.locator('.op-vote-status', { hasText: 'Votazione in corso' }).waitFor({ timeout: SYNC_MS })
    expect(await j.locator('.op-vote-control').count()).toBe(0)
    // On the phone, buttons a finger can hit, every control on screen.
    for (const id of [c1, c2, c3]) {
      for (const sel of ['.op-vote-control__add', '.op-vote-control__remove']) {
        const box = (await control(b, id).locator(sel).boundingBox())!
        expect(box.width).toBeGreaterThanOrEqual(FINGER)
        expect(box.height).toBeGreaterThanOrEqual(FINGER)
        expect(box.x).toBeGreaterThanOrEqual(0)
        expect(box.x + box.width).toBeLessThanOrEqual(PHONE.viewport.width)
        expect(box.y + box.height).toBeLessThanOrEqual(PHONE.viewport.height)
      }
    }
    await b.screenshot({ path: join(ARTIFACTS, 'vote-phone-open.png') })

    // 3. Dots, through the controls. Marco: c1, c2. Sara (phone, taps): c1, c1, takes one back, c3.
    // Giulia: c2, c2. So c1 = 2, c2 = 3, c3 = 1.
    await ballot(a, c1, 'add', 'click')
    await ballot(a, c2, 'add', 'click')
    await ballot(b, c1, 'add', 'tap')
    await ballot(b, c1, 'add', 'tap')
    await expect.poll(() => dotsLeft(b), { timeout: SYNC_MS }).toBe(0)
    await expect(b.locator('.op-vote-status').textContent()).resolves.toContain('Nessun punto rimasto')
    expect(await control(b, c3).locator('.op-vote-control__add').isDisabled()).toBe(true)
    await ballot(b, c1, 'remove', 'tap')
    await expect.poll(() => dotsLeft(b), { timeout: SYNC_MS }).toBe(1)
    await ballot(b, c3, 'add', 'tap')
    await ballot(f, c2, 'add', 'click')
    await ballot(f, c2, 'add', 'click')
    await b.screenshot({ path: join(ARTIFACTS, 'vote-phone-voted.png') })

    // Each sees their own dots only.
    const mineOn = (page: Page) => Promise.all([c1, c2, c3].map(async (id) => Number(await control(page, id).getAttribute('data-mine'))))
    expect(await mineOn(a)).toEqual([1, 1, 0])
    expect(await mineOn(b)).toEqual([1, 0, 1])
    expect(await mineOn(f)).toEqual([0, 2, 0])
    for (const page of [f, a, b]) expect(await dotsLeft(page)).toBe(0)

    // 4. Before the reveal: six sealed dots on the board, no count on any screen, nothing readable on the server.
    await expect.poll(async () => (await stored(board.id)).filter((r) => r.typeName === 'dot').length, { timeout: SYNC_MS }).toBe(6)
    const sealed = (await stored(board.id)).filter((r) => r.typeName === 'dot') as DotRecord[]
    for (const dot of sealed) {
      const text = JSON.stringify(dot)
      for (const id of [c1, c2, c3, ...voters]) expect(text).not.toContain(id)
    }
    for (const [who, page] of Object.entries(pages)) {
      expect(await page.locator('.op-vote-result').count(), who).toBe(0)
      expect(await shownCounts(page), who).toEqual({})
    }
    await openSessionPanel(f)
    await f.locator('.op-session__vote-placed[data-placed="6"]').waitFor({ timeout: SYNC_MS })

    // 5. Close, then reveal.
    await f.getByRole('button', { name: 'Chiudi la votazione', exact: true }).click()
    await expect.poll(async () => ((await stored(board.id)).find((r) => r.id === vote.id) as VoteRecord).state, { timeout: SYNC_MS }).toBe('closed')
    for (const page of [a, b]) await page.locator('.op-vote-status', { hasText: 'Votazione chiusa' }).waitFor({ timeout: SYNC_MS })
    for (const page of [a, b]) expect(await page.locator('.op-vote-control').count()).toBe(0)
    for (const page of Object.values(pages)) expect(await page.locator('.op-vote-result').count()).toBe(0)
    await f.getByRole('button', { name: 'Mostra i risultati', exact: true }).click()

    const expected = { [c1]: '2', [c2]: '3', [c3]: '1' }
    for (const [who, page] of Object.entries(pages)) {
      await expect.poll(() => shownCounts(page), { timeout: SYNC_MS, message: `${who} does not show the counts` }).toEqual(expected)
      await expect(page.locator(`.op-vote-results[data-target="${c2}"] .op-vote-result`).getAttribute('aria-label')).resolves.toBe('3 punti')
      expect(await page.locator('.op-vote-status').count(), who).toBe(0)
    }
    await j.locator(`.op-vote-results[data-target="${c2}"]`).waitFor({ state: 'visible' })
    await j.screenshot({ path: join(ARTIFACTS, 'vote-projector-results.png') })
    await b.screenshot({ path: join(ARTIFACTS, 'vote-phone-results.png') })

    // 6. On the board: the results, no dot left.
    const after = await stored(board.id)
    expect(after.find((r) => r.id === vote.id)).toMatchObject({ state: 'revealed', results: { [c1]: 2, [c2]: 3, [c3]: 1 } })
    expect(after.filter((r) => r.typeName === 'dot')).toEqual([])
    expect(errors()).toEqual([])

    // 7. In storage, with the server stopped: no record and no log entry ties a voter to an element.
    const port = server.port
    await server.close({ keepData: true })
    const storage = new EmbeddedStorage(dataDir)
    try {
      const { snapshot, entries } = await storage.load(board.id)
      for (const r of snapshot.records) for (const w of voters) expect(JSON.stringify(r)).not.toContain(w)
      // Every dot came and went in the server's name, never a voter's.
      const dotEntries = entries.filter((e) => Object.keys(e.diff).some((id) => id.startsWith('dot:')))
      expect(dotEntries.length).toBeGreaterThanOrEqual(8) // 7 placed, 1 taken back, the reveal's removal
      for (const e of dotEntries) {
        expect(voters).not.toContain(e.clientId)
        for (const w of voters) expect(JSON.stringify(e)).not.toContain(w)
      }
      // The participants only voted: their keys are nowhere in the board's storage.
      for (const e of entries) for (const w of participants) expect(JSON.stringify(e)).not.toContain(w)
      for (const w of participants) expect(JSON.stringify(snapshot)).not.toContain(w)
    } finally {
      await storage.close()
    }

    // 8. After a restart, the counts are still on the board, on the projector too.
    server = await startServer({ dataDir, port })
    await j.reload()
    await j.waitForFunction(() => Boolean((window as any).opificioEditor), undefined, { timeout: 30_000 })
    await expect.poll(() => shownCounts(j), { timeout: 15_000 }).toEqual(expected)
    await expect.poll(() => shownCounts(b), { timeout: 15_000 }).toEqual(expected)
  })
})
