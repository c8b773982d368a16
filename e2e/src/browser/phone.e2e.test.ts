import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, joinBoard, screenRect, type Rect } from '../harness/boardPage.ts'
import { launchContext, PHONE } from '../harness/browser.ts'
import { createBoard, startServer } from '../harness/server.ts'

/** How long the page may take to show a change. */
const SHOW_MS = 5000
/** The budgets on a phone: naming a placed card, and a typed relation. */
const NAME_TAPS = 2
const RELATION_ACTIONS = 6

/** The top bar's button that opens and closes the palette. */
const PALETTE = 'button[aria-label="Mostra o nascondi la palette degli elementi"]'
/** The inspector, on a phone a sheet along the bottom (tldraw's style popover). */
const SHEET = '.tlui-popover__content:has(.op-inspector)'

type Point = { x: number; y: number }
const centre = (r: Rect): Point => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 })
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
const asRect = (b: { x: number; y: number; width: number; height: number }): Rect => ({ x: b.x, y: b.y, w: b.width, h: b.height })

/** The element cards of the current page, in creation order (read only). */
function cards(page: Page): Promise<{ id: string; kind: string; name: string; parentId: string }[]> {
  return page.evaluate(() =>
    (window as any).opificioEditor
      .getCurrentPageShapes()
      .filter((s: any) => s.type === 'element')
      .map((s: any) => ({ id: s.id, kind: s.props.kind, name: s.props.name, parentId: s.parentId }))
  )
}

/** The arrows of the current page: relation type and the shape each end is bound to (read only). */
function arrows(page: Page): Promise<{ relation: unknown; start?: string; end?: string }[]> {
  return page.evaluate(() => {
    const editor = (window as any).opificioEditor
    return editor
      .getCurrentPageShapes()
      .filter((s: any) => s.type === 'arrow')
      .map((s: any) => {
        const ends = Object.fromEntries(editor.getBindingsFromShape(s, 'arrow').map((b: any) => [b.props.terminal, b.toId]))
        return { relation: s.meta?.relation, start: ends.start, end: ends.end }
      })
  })
}

/**
 * A person's actions on the phone, counted: each tap, each drag of a finger. Typing on the keyboard
 * is counted apart, as the issue counts "taps plus typing".
 */
class Finger {
  actions = 0
  private readonly log: string[] = []
  constructor(private readonly page: Page) {}

  async tap(at: Point | string, what = typeof at === 'string' ? at : 'canvas') {
    // A control out of sight (far down the palette, the sheet) is scrolled to first: a swipe, counted.
    if (typeof at === 'string' && !(await inSight(this.page, at))) {
      this.count(`swipe to ${what}`)
      await this.page.locator(at).scrollIntoViewIfNeeded()
    }
    const point = typeof at === 'string' ? centre(asRect((await this.page.locator(at).boundingBox())!)) : at
    this.count(`tap ${what}`)
    await this.page.touchscreen.tap(point.x, point.y)
  }

  /** Two taps in quick succession on the same spot: two actions. */
  async doubleTap(at: Point, what: string) {
    await this.tap(at, what)
    await this.page.waitForTimeout(80)
    await this.tap(at, what)
  }

  /** One finger down at `from`, along to `to`, up: one action. */
  async drag(from: Point, to: Point, what: string) {
    this.count(`drag ${what}`)
    const cdp = await this.page.context().newCDPSession(this.page)
    const touch = (type: string, p?: Point) =>
      cdp.send('Input.dispatchTouchEvent', { type: type as 'touchStart', touchPoints: p ? [{ x: p.x, y: p.y, id: 1 }] : [] })
    await touch('touchStart', from)
    for (let i = 1; i <= 12; i++) {
      await touch('touchMove', { x: from.x + ((to.x - from.x) * i) / 12, y: from.y + ((to.y - from.y) * i) / 12 })
      await this.page.waitForTimeout(16)
    }
    await touch('touchEnd')
    await cdp.detach()
  }

  /** Marks where a task starts: its actions are those counted since, and what they were. */
  since(): () => { count: number; steps: string } {
    const start = this.actions
    return () => ({ count: this.actions - start, steps: this.log.slice(start).join(' → ') })
  }

  private count(what: string) {
    this.actions++
    this.log.push(what)
  }
}

/** Whether a finger could tap the control where it is: its centre on the screen, nothing over it. */
function inSight(page: Page, selector: string) {
  return page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect()
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)
    return hit !== null && (hit === el || el.contains(hit))
  })
}

/** What sits on top at a screen point: the test id, class or tag of the element a tap there would hit. */
function topAt(page: Page, p: Point) {
  return page.evaluate(({ x, y }) => {
    const el = document.elementFromPoint(x, y) as HTMLElement | null
    return el?.closest('.op-legend') ? 'legend' : (el?.closest('[data-testid]')?.getAttribute('data-testid') ?? el?.className ?? '')
  }, p)
}

/** Where two boxes meet, or null. */
function intersection(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x)
  const y = Math.max(a.y, b.y)
  const w = Math.min(a.x + a.w, b.x + b.w) - x
  const h = Math.min(a.y + a.h, b.y + b.h) - y
  return w > 0 && h > 0 ? { x, y, w, h } : null
}

/**
 * The legend never covers tldraw's controls nor the inspector: it stays clear of the controls'
 * boxes, and where the inspector's popover opens over it, the popover is what shows and takes taps.
 */
async function legendClearOfControls(page: Page, what: string) {
  const shown = await page.locator('.op-legend').boundingBox()
  if (await page.locator(SHEET).count()) {
    // The inspector's sheet and what it edits take a phone's screen: the legend gives way meanwhile.
    expect(shown, `${what}: the legend gives way to the inspector's sheet`).toBeNull()
    return
  }
  expect(shown, 'the legend is shown').not.toBeNull()
  const legend = asRect(shown!)
  const boxes = async (selector: string) =>
    (await Promise.all((await page.locator(selector).all()).map((l) => l.boundingBox()))).flatMap((b) => (b && b.width > 0 ? [asRect(b)] : []))
  for (const selector of [
    '[data-testid="quick-actions.delete"]',
    '[data-testid="quick-actions.duplicate"]',
    '[data-testid="mobile-styles.button"]',
    '.tlui-main-toolbar',
    '.tlui-menu-zone',
  ]) {
    for (const box of await boxes(selector)) expect(overlap(legend, box), `${what}: the legend meets ${selector}`).toBe(false)
  }
  for (const box of await boxes('.tlui-popover__content, .op-inspector')) {
    const both = intersection(legend, box)
    if (!both) continue
    for (const fx of [0.1, 0.5, 0.9]) {
      for (const fy of [0.1, 0.5, 0.9]) {
        expect(await topAt(page, { x: both.x + both.w * fx, y: both.y + both.h * fy }), `${what}: the legend shows over the inspector`).not.toBe(
          'legend'
        )
      }
    }
  }
}

/**
 * The inspector opened from a card on a phone: a sheet along the bottom, and the whole card in
 * sight above it: on the screen, and clear of the sheet, tldraw's toolbars and menus, the legend and the palette.
 */
async function cardInSightOfSheet(page: Page, id: string, what: string) {
  const sheet = page.locator(SHEET)
  await sheet.waitFor({ state: 'visible', timeout: SHOW_MS })
  const sheetBox = async () => asRect((await sheet.boundingBox())!)
  // The canvas glides the card into sight: wait until it is clear of the sheet and still.
  await expect.poll(async () => intersection(await screenRect(page, id), await sheetBox()), { timeout: SHOW_MS }).toBeNull()
  await page.waitForTimeout(400)
  const card = await screenRect(page, id)
  const viewport = page.viewportSize()!
  expect(intersection(card, await sheetBox()), `${what}: the inspector covers the card`).toBeNull()
  expect(
    card.x >= 0 && card.y >= 0 && card.x + card.w <= viewport.width && card.y + card.h <= viewport.height,
    `${what}: the card is off the screen`
  ).toBe(true)
  for (const selector of ['.tlui-main-toolbar', '.tlui-menu-zone', '.op-legend', '.op-palette', '.tlui-layout__bottom']) {
    for (const box of await page.locator(selector).all()) {
      const b = await box.boundingBox()
      if (b && b.width > 0) expect(intersection(card, asRect(b)), `${what}: ${selector} covers the card`).toBeNull()
    }
  }
  return { card, sheet: await sheetBox() }
}

describe('the board on a phone (390×844, touch)', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  const contexts: BrowserContext[] = []
  const open = async (opts: Parameters<typeof launchContext>[0]) => {
    const ctx = await launchContext(opts)
    contexts.push(ctx)
    return ctx
  }
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close()
    await server.close()
  })

  it('places and names an element, draws a “si impegna a” relation, with the legend open, within the budgets', async () => {
    const board = await createBoard(server.url, 'Tavolo dal telefono')
    const { page, errors } = await joinBoard(await open(PHONE), board.links.participant, 'Sara')
    const finger = new Finger(page)

    // Two cards from the palette: each lands in a free spot of the view, not on the other.
    await finger.tap(PALETTE, 'Elementi')
    await finger.tap('[data-kind="terzo-settore"]')
    await expect.poll(async () => (await cards(page)).length, { timeout: SHOW_MS }).toBe(1)
    await finger.tap(PALETTE, 'Elementi')
    await finger.tap('[data-kind="servizio"]')
    await expect.poll(async () => (await cards(page)).length, { timeout: SHOW_MS }).toBe(2)
    const [org, service] = await cards(page)
    const orgRect = await screenRect(page, org.id)
    const serviceRect = await screenRect(page, service.id)
    expect(overlap(orgRect, serviceRect), 'two palette placements overlap').toBe(false)
    // Both in sight, above the bottom controls.
    for (const r of [orgRect, serviceRect]) {
      expect(r.x).toBeGreaterThanOrEqual(0)
      expect(r.x + r.w).toBeLessThanOrEqual(PHONE.viewport.width)
      expect(r.y + r.h).toBeLessThanOrEqual(PHONE.viewport.height - 90)
    }
    // The hint speaks of fingers, not of keys.
    await finger.tap(PALETTE, 'Elementi')
    const hint = (await page.locator('.op-palette__hint').textContent()) ?? ''
    expect(hint).not.toMatch(/tasto|clic/i)
    await finger.tap(PALETTE, 'Elementi')
    await page.screenshot({ path: join(ARTIFACTS, 'phone-placed.png') })

    // Naming: a double tap on the card, then typing.
    const naming = finger.since()
    await finger.doubleTap(centre(orgRect), 'the organisation')
    const input = page.locator('.op-element__name-input')
    await input.waitFor({ state: 'visible', timeout: SHOW_MS })
    await page.keyboard.type('Cooperativa Il Mosaico di Santarcangelo')
    await page.screenshot({ path: join(ARTIFACTS, 'phone-naming.png') })
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await cards(page))[0].name, { timeout: SHOW_MS }).toBe('Cooperativa Il Mosaico di Santarcangelo')
    await input.waitFor({ state: 'detached', timeout: SHOW_MS })
    const named = naming()
    console.log(`[phone] naming a placed card: ${named.count} taps + typing (${named.steps})`)
    expect(named.count).toBeLessThanOrEqual(NAME_TAPS)
    // The card grew to show the whole name: no line of it cut.
    const clipped = await page.evaluate((id) => {
      const name = document.querySelector(`.tl-shape[data-shape-id="${id}"] .op-element__name`) as HTMLElement
      return name.scrollHeight - name.clientHeight
    }, org.id)
    expect(clipped).toBeLessThanOrEqual(1)

    // A typed relation: the arrow tool, a drag from card to card, the type from the style button.
    const relating = finger.since()
    await finger.tap('[data-testid="tools.arrow"]')
    await finger.drag(centre(await screenRect(page, org.id)), centre(await screenRect(page, service.id)), 'organisation → service')
    await expect.poll(async () => (await arrows(page)).length, { timeout: SHOW_MS }).toBe(1)
    // At a person's pace: the drawn arrow selected, the select tool back.
    await page.waitForFunction(() => (window as any).opificioEditor.isIn('select.idle'), undefined, { timeout: SHOW_MS })
    await page.waitForTimeout(300)
    await finger.tap('[data-testid="mobile-styles.button"]')
    const impegno = page.locator('.tlui-popover__content [data-relation="impegno"]')
    await impegno.waitFor({ state: 'visible', timeout: SHOW_MS })
    await page.screenshot({ path: join(ARTIFACTS, 'phone-relation-types.png') })
    await legendClearOfControls(page, 'relation types open')
    await finger.tap('.tlui-popover__content [data-relation="impegno"]', 'si impegna a')
    await expect.poll(async () => (await arrows(page))[0]?.relation, { timeout: SHOW_MS }).toBe('impegno')
    // Done: the popover goes, and the tap that closes it changes nothing.
    if (await page.locator('.tlui-popover__content').count()) await finger.tap({ x: PHONE.viewport.width / 2, y: 200 }, 'outside the popover')
    await expect.poll(() => page.locator('.tlui-popover__content').count(), { timeout: SHOW_MS }).toBe(0)
    const related = relating()
    console.log(`[phone] a typed relation: ${related.count} actions (${related.steps})`)
    expect(related.count).toBeLessThanOrEqual(RELATION_ACTIONS)
    expect(await arrows(page)).toEqual([{ relation: 'impegno', start: org.id, end: service.id }])

    // The legend, open all along, leaves tldraw's controls to the finger.
    await page.locator('.op-legend details[open] li[data-relation="impegno"]').waitFor({ state: 'visible', timeout: SHOW_MS })
    await finger.tap(centre(await screenRect(page, org.id)), 'the organisation')
    await page.locator('[data-testid="quick-actions.delete"]').waitFor({ state: 'visible', timeout: SHOW_MS })
    await legendClearOfControls(page, 'card selected')
    for (const id of ['quick-actions.delete', 'quick-actions.duplicate', 'mobile-styles.button']) {
      const box = asRect((await page.locator(`[data-testid="${id}"]`).boundingBox())!)
      expect(await topAt(page, centre(box))).toBe(id)
    }
    await page.screenshot({ path: join(ARTIFACTS, 'phone-legend.png') })

    // Naming from the inspector: the card, the inspector's button, typing. The sheet leaves the card in sight.
    const sheetNaming = finger.since()
    // A finger lands on the card away from the arrow that ends in its middle.
    const serviceNow = await screenRect(page, service.id)
    const from = centre(await screenRect(page, org.id))
    const onCard = [0.2, 0.8]
      .flatMap((fx) => [0.25, 0.8].map((fy) => ({ x: serviceNow.x + serviceNow.w * fx, y: serviceNow.y + serviceNow.h * fy })))
      .sort((a, b) => Math.hypot(b.x - from.x, b.y - from.y) - Math.hypot(a.x - from.x, a.y - from.y))[0]
    await finger.tap(onCard, 'the service')
    await finger.tap('[data-testid="mobile-styles.button"]', 'the inspector')
    const sheetName = page.locator(`${SHEET} input[data-inspector-primary]`)
    await sheetName.waitFor({ state: 'visible', timeout: SHOW_MS })
    const at390 = await cardInSightOfSheet(page, service.id, '390×844')
    // The name has the keyboard, all of it selected: typing replaces it.
    expect(
      await sheetName.evaluate(
        (el: HTMLInputElement) => el === document.activeElement && el.selectionEnd === el.value.length && el.selectionStart === 0
      )
    ).toBe(true)
    await page.keyboard.type('Doposcuola')
    await expect.poll(async () => (await cards(page))[1].name, { timeout: SHOW_MS }).toBe('Doposcuola')
    await page.screenshot({ path: join(ARTIFACTS, 'phone-inspector-naming.png') })
    const sheetNamed = sheetNaming()
    console.log(
      `[phone] naming from the inspector: ${sheetNamed.count} taps + typing (${sheetNamed.steps}); card ${JSON.stringify(at390.card)} above the sheet ${JSON.stringify(at390.sheet)}`
    )
    expect(sheetNamed.count).toBeLessThanOrEqual(NAME_TAPS)
    await finger.tap('[data-testid="mobile-styles.button"]', 'the inspector, to close it')
    await expect.poll(() => page.locator(SHEET).count(), { timeout: SHOW_MS }).toBe(0)
    // The legend comes back as it was, open.
    await page.locator('.op-legend details[open] li[data-relation="impegno"]').waitFor({ state: 'visible', timeout: SHOW_MS })

    // 360×640, the smallest phone the issue names: the card low on the screen, where the sheet opens.
    await page.setViewportSize({ width: 360, height: 640 })
    await page.evaluate((id) => {
      const editor = (window as any).opificioEditor
      const b = editor.getShapePageBounds(id)
      editor.select(id)
      editor.centerOnPoint({ x: b.midX, y: b.midY - 110 / editor.getCamera().z }, { animation: { duration: 0 } })
    }, org.id)
    await finger.tap('[data-testid="mobile-styles.button"]', 'the inspector')
    const at360 = await cardInSightOfSheet(page, org.id, '360×640')
    console.log(`[phone] 360×640: card ${JSON.stringify(at360.card)} above the sheet ${JSON.stringify(at360.sheet)}`)
    await page.screenshot({ path: join(ARTIFACTS, 'phone-360-inspector.png') })
    await finger.tap('[data-testid="mobile-styles.button"]', 'the inspector, to close it')
    await expect.poll(() => page.locator(SHEET).count(), { timeout: SHOW_MS }).toBe(0)
    await page.locator('.op-legend details[open]').waitFor({ state: 'visible', timeout: SHOW_MS })
    await legendClearOfControls(page, '360×640, card selected')
    await page.screenshot({ path: join(ARTIFACTS, 'phone-360-legend.png') })
    await page.setViewportSize(PHONE.viewport)
    expect(errors, errors.join('\n')).toEqual([])
  })

  it('goes to a phase in one tap and places a civic actor in the table’s Civico column', async () => {
    const board = await createBoard(server.url, 'Tavolo di Negoziazione')
    // The facilitator inserts the phase-1 table from a laptop; the phone is a participant's.
    const { page: laptop } = await joinBoard(await open({}), board.links.facilitator, 'Giulia')
    await laptop.selectOption('select[aria-label="Inserisci il modello di una fase"]', '1')
    const { page, errors } = await joinBoard(await open(PHONE), board.links.participant, 'Sara')
    const finger = new Finger(page)
    const goTo = page.locator('.op-phase-go__button[data-phase="1"]')
    await goTo.waitFor({ state: 'visible', timeout: SHOW_MS })

    const going = finger.since()
    await finger.tap('.op-phase-go__button[data-phase="1"]', 'go to phase 1')
    expect(going().count).toBe(1)
    const column = await page.evaluate(() => {
      const editor = (window as any).opificioEditor
      return editor.getCurrentPageShapes().find((s: any) => s.type === 'frame' && s.props.name === 'Civico').id as string
    })
    // The camera glides there: wait until the column is wholly in view.
    await expect
      .poll(
        async () => {
          const r = await screenRect(page, column)
          return r.x >= 0 && r.x + r.w <= PHONE.viewport.width && r.y >= 0 && r.y + r.h <= PHONE.viewport.height
        },
        { timeout: SHOW_MS }
      )
      .toBe(true)
    await page.waitForTimeout(700)

    await finger.tap(PALETTE, 'Elementi')
    await finger.tap('[data-kind="cittadino"]')
    await finger.tap(PALETTE, 'Elementi')
    await finger.tap('[data-kind="gruppo-informale"]')
    await expect.poll(async () => (await cards(page)).length, { timeout: SHOW_MS }).toBe(2)
    const [citizen, group] = await cards(page)
    expect(citizen.parentId).toBe(column)
    expect(group.parentId).toBe(column)
    expect(overlap(await screenRect(page, citizen.id), await screenRect(page, group.id))).toBe(false)
    await page.screenshot({ path: join(ARTIFACTS, 'phone-civico.png') })
    expect(errors).toEqual([])
  })

  it('on a laptop: double-click and Enter edit a name in place, the legend leaves the inspector alone, the view survives a reload', async () => {
    const board = await createBoard(server.url, 'Dal portatile')
    const ctx = await open({})
    const { page, errors } = await joinBoard(ctx, board.links.participant, 'Marco')
    await page.click('[data-kind="terzo-settore"]')
    await page.click('[data-kind="cittadino"]')
    await expect.poll(async () => (await cards(page)).length, { timeout: SHOW_MS }).toBe(2)
    const [org, citizen] = await cards(page)
    const orgRect = await screenRect(page, org.id)
    expect(overlap(orgRect, await screenRect(page, citizen.id))).toBe(false)

    // Double-click: the name is a text box on the card, all selected; typing replaces it.
    await page.mouse.dblclick(centre(orgRect).x, centre(orgRect).y)
    await page.locator('.op-element__name-input').waitFor({ state: 'visible', timeout: SHOW_MS })
    await page.keyboard.type('ARCI Santarcangelo')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await cards(page))[0].name, { timeout: SHOW_MS }).toBe('ARCI Santarcangelo')
    // No text box left behind on the canvas, as tldraw's double-click on a non-editable shape made.
    expect(await page.evaluate(() => (window as any).opificioEditor.getCurrentPageShapes().filter((s: any) => s.type === 'text').length)).toBe(0)

    // Enter on the selected card edits it again; Escape leaves it as it was.
    await page.keyboard.press('Enter')
    await page.locator('.op-element__name-input').waitFor({ state: 'visible', timeout: SHOW_MS })
    await page.keyboard.press('Escape')
    await page.locator('.op-element__name-input').waitFor({ state: 'detached', timeout: SHOW_MS })
    expect((await cards(page))[0].name).toBe('ARCI Santarcangelo')

    // The card selected, the inspector open on the right: the legend (open) is nowhere near it.
    await page.locator('.op-inspector').waitFor({ state: 'visible', timeout: SHOW_MS })
    await page.locator('.op-legend details[open]').waitFor({ state: 'visible', timeout: SHOW_MS })
    const legend = asRect((await page.locator('.op-legend').boundingBox())!)
    const inspector = asRect((await page.locator('.op-inspector').boundingBox())!)
    expect(overlap(legend, inspector)).toBe(false)
    await page.screenshot({ path: join(ARTIFACTS, 'laptop-legend.png') })

    // An arrow with both ends on one card is refused; one between two cards is kept.
    const ends = await page.evaluate(
      ([a, b]) => {
        const editor = (window as any).opificioEditor
        const bound = (to: string) => {
          const id = `shape:arrow-${to.slice(6)}`
          editor.createShape({ id, type: 'arrow', x: 0, y: 0 })
          editor.createBindings([
            {
              type: 'arrow',
              fromId: id,
              toId: a,
              props: { terminal: 'start', normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false },
            },
            {
              type: 'arrow',
              fromId: id,
              toId: to,
              props: { terminal: 'end', normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false },
            },
          ])
          return editor.getBindingsFromShape(id, 'arrow').map((b: any) => b.toId)
        }
        return { self: bound(a), other: bound(b) }
      },
      [org.id, citizen.id]
    )
    expect(ends).toEqual({ self: [org.id], other: [org.id, citizen.id] })

    // Back after a reload: the same page and camera, not the origin.
    await page.evaluate(() => {
      ;(window as any).opificioEditor.setCamera({ x: -321, y: 123, z: 0.75 })
    })
    await page.waitForTimeout(600)
    await page.reload()
    await page.waitForFunction(() => Boolean((window as any).opificioEditor), undefined, { timeout: 30_000 })
    const camera = await page.evaluate(() => (window as any).opificioEditor.getCamera())
    expect(camera).toMatchObject({ x: -321, y: 123, z: 0.75 })
    expect(errors, errors.join('\n')).toEqual([])
  })
})
