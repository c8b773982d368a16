import { FIRST_PAGE_ID } from '@opificio/shared'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { ARTIFACTS, joinBoard, screenRect, useTwoBrowsers, type Rect } from '../harness/boardPage.ts'
import { createBoard } from '../harness/server.ts'

const PHASE_SELECT = 'select[aria-label="Inserisci il modello di una fase"]'
/** How long a change made in one browser may take to show in the other. */
const SYNC_MS = 5000

interface ElementInfo {
  id: string
  kind: string
  name: string
  sector: string
  parentId: string
}
interface ArrowInfo {
  relation: unknown
  color: string
  dash: string
  arrowheadStart: string
  arrowheadEnd: string
  /** terminal → the id of the shape that end is bound to. */
  bindings: Record<string, string>
}

/** What the page's editor holds (read only). */
function diagram(page: Page) {
  return page.evaluate(() => {
    const editor = (window as any).opificioEditor
    const shapes = editor.getCurrentPageShapes()
    const elements: ElementInfo[] = shapes
      .filter((s: any) => s.type === 'element')
      .map((s: any) => ({ id: s.id, kind: s.props.kind, name: s.props.name, sector: s.props.sector, parentId: s.parentId }))
      .sort((x: ElementInfo, y: ElementInfo) => (x.kind < y.kind ? -1 : 1))
    const arrows: ArrowInfo[] = shapes
      .filter((s: any) => s.type === 'arrow')
      .map((s: any) => ({
        relation: s.meta?.relation,
        color: s.props.color,
        dash: s.props.dash,
        arrowheadStart: s.props.arrowheadStart,
        arrowheadEnd: s.props.arrowheadEnd,
        bindings: Object.fromEntries(editor.getBindingsFromShape(s, 'arrow').map((b: any) => [b.props.terminal, b.toId])),
      }))
    return { elements, arrows }
  })
}

const centre = (r: Rect) => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 })
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h

/** The ids of the negotiation table, of its sector columns, and of the shapes inside it (read only). */
function table(page: Page) {
  return page.evaluate(() => {
    const editor = (window as any).opificioEditor
    const balance = editor.getCurrentPageShapes().find((s: any) => s.type === 'balance')
    if (!balance) return null
    const frame = editor.getShape(balance.parentId)
    const columns: Record<string, string> = {}
    for (const id of editor.getSortedChildIdsForParent(frame.id)) {
      const child = editor.getShape(id)
      if (child.type === 'frame') columns[child.props.name] = child.id
    }
    const inside: string[] = []
    editor.visitDescendants(frame.id, (id: string) => void inside.push(id))
    return { frameId: frame.id as string, columns, inside }
  })
}

/** The balance as the shape shows it: per-sector counts and the verdict. */
async function balanceShown(page: Page) {
  const root = page.locator('.op-balance')
  const counts: Record<string, number> = {}
  for (const row of await root.locator('.op-balance__row[data-sector]').all()) {
    counts[(await row.getAttribute('data-sector'))!] = Number(await row.locator('.op-balance__count').textContent())
  }
  return { counts, verdict: ((await root.locator('.op-balance__verdict').textContent()) ?? '').trim() }
}

/** Until the camera stops moving (phase insertion animates it): the shape's screen rect is the same twice. */
async function settledRect(page: Page, id: string): Promise<Rect> {
  let last = await screenRect(page, id)
  for (const start = Date.now(); Date.now() - start < 5000; ) {
    await page.waitForTimeout(50)
    const next = await screenRect(page, id)
    if (JSON.stringify(next) === JSON.stringify(last)) return next
    last = next
  }
  throw new Error('the camera kept moving')
}

/** Drags with the mouse from one screen point to another, in small steps as a hand does. */
async function mouseDrag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 6 })
  await page.mouse.move(to.x, to.y, { steps: 6 })
  await page.mouse.up()
}

describe('the governance diagram in two real browsers', () => {
  const env = useTwoBrowsers()

  it('places elements from the palette, relates them with a typed arrow, and keeps the phase-1 table balance live in both', async () => {
    const t0 = Date.now()
    const lap = (what: string) => console.log(`[diagram] ${what}: ${Date.now() - t0} ms`)
    const board = await createBoard(env.server.url, 'Governance dell’Opificio')
    // Giulia facilitates (she inserts the phase-1 table, which only a facilitator may); Marco takes part.
    const { page: pageA, errors: errorsA } = await joinBoard(env.a, board.links.facilitator, 'Giulia')
    const { page: pageB, errors: errorsB } = await joinBoard(env.b, board.links.participant, 'Marco')
    lap('both joined')

    // 1. Giulia places the town hall by clicking the palette, the steering committee by dragging it.
    await pageA.click('[data-kind="comune"]')
    await expect.poll(async () => (await diagram(pageA)).elements.map((e) => e.kind), { timeout: SYNC_MS }).toEqual(['comune'])
    const comune = (await diagram(pageA)).elements[0]
    const comuneRect = await screenRect(pageA, comune.id)
    // Up and to the left of the town hall: clear of the palette (left) and of the inspector (right).
    const canvasBox = (await pageA.locator('.op-board__canvas').boundingBox())!
    const dropAt = { x: comuneRect.x - 80, y: comuneRect.y - 180 }
    await pageA
      .locator('[data-kind="cabina-regia"]')
      .dragTo(pageA.locator('.op-board__canvas'), { targetPosition: { x: dropAt.x - canvasBox.x, y: dropAt.y - canvasBox.y } })
    await expect
      .poll(async () => (await diagram(pageA)).elements.map((e) => e.kind), { timeout: SYNC_MS, message: 'the drag from the palette placed nothing' })
      .toEqual(['cabina-regia', 'comune'])
    const cabina = (await diagram(pageA)).elements.find((e) => e.kind === 'cabina-regia')!
    let cabinaRect = await screenRect(pageA, cabina.id)
    // Dropped centred where the pointer let go.
    expect(Math.abs(centre(cabinaRect).x - dropAt.x)).toBeLessThan(3)
    expect(Math.abs(centre(cabinaRect).y - dropAt.y)).toBeLessThan(3)
    if (overlap(cabinaRect, comuneRect)) {
      await mouseDrag(pageA, centre(cabinaRect), { x: centre(cabinaRect).x - 100, y: centre(cabinaRect).y - 100 })
      cabinaRect = await screenRect(pageA, cabina.id)
    }
    expect(overlap(cabinaRect, comuneRect)).toBe(false)
    lap('two elements placed in A')

    // 2. An arrow from the steering committee to the town hall, typed "coordina" in the inspector.
    await pageA.keyboard.press('Escape')
    await pageA.keyboard.press('a')
    await mouseDrag(pageA, centre(cabinaRect), centre(comuneRect))
    // The new arrow is selected, so the inspector offers the relation types; no type yet, no legend entry.
    await pageA.locator('.op-inspector [data-relation="coordina"]').waitFor({ state: 'visible', timeout: SYNC_MS })
    expect(await pageA.locator('.op-legend li[data-relation]').count()).toBe(0)
    const tTyped = Date.now()
    await pageA.locator('.op-inspector [data-relation="coordina"]').click()
    await expect.poll(async () => pageA.locator('[data-relation="coordina"][aria-checked="true"]').count()).toBe(1)
    lap('arrow drawn and typed in A')

    // 3. Marco sees both elements and the typed, bound arrow.
    const expected = {
      elements: [
        { id: cabina.id, kind: 'cabina-regia', name: 'Cabina di regia', sector: '', parentId: FIRST_PAGE_ID },
        { id: comune.id, kind: 'comune', name: 'Comune', sector: '', parentId: FIRST_PAGE_ID },
      ],
      arrows: [
        {
          relation: 'coordina',
          color: 'black',
          dash: 'solid',
          arrowheadStart: 'none',
          arrowheadEnd: 'arrow',
          bindings: { start: cabina.id, end: comune.id },
        },
      ],
    }
    await expect.poll(() => diagram(pageB), { timeout: SYNC_MS }).toEqual(expected)
    lap(`B has the typed arrow (${Date.now() - tTyped} ms after the click on "coordina" in A)`)
    expect(await diagram(pageA)).toEqual(expected)
    for (const page of [pageA, pageB]) {
      await page.locator('.op-legend li[data-relation="coordina"]').waitFor({ state: 'visible', timeout: SYNC_MS })
      expect(await page.locator('.op-legend li[data-relation]').count()).toBe(1)
    }
    // Marco sees the elements drawn too, not only in the store.
    await expect.poll(() => pageB.locator('.tl-shape[data-shape-type="element"]').count(), { timeout: SYNC_MS }).toBe(2)
    await expect.poll(() => pageB.locator('.tl-shape[data-shape-type="arrow"]').count(), { timeout: SYNC_MS }).toBe(1)
    await pageA.keyboard.press('Escape')
    await pageA.screenshot({ path: join(ARTIFACTS, 'diagram-a.png') })
    await pageB.screenshot({ path: join(ARTIFACTS, 'diagram-b.png') })

    // 4. Phase 1: Giulia inserts the negotiation table, whose balance both watch.
    await pageA.selectOption(PHASE_SELECT, '1')
    await expect.poll(() => table(pageA), { timeout: SYNC_MS }).not.toBeNull()
    const tab = (await table(pageA))!
    expect(Object.keys(tab.columns).sort()).toEqual(['Civico', 'Privato sociale', 'Pubblico'])
    await expect.poll(async () => (await table(pageB))?.frameId, { timeout: SYNC_MS }).toBe(tab.frameId)
    // Marco zooms to see the whole board (shift+1), as he would to find the table.
    await pageB.mouse.click(canvasBox.x + canvasBox.width / 2, canvasBox.y + canvasBox.height - 120)
    await pageB.keyboard.press('Escape')
    await pageB.keyboard.press('Shift+1')
    await pageB.locator('.op-balance').waitFor({ state: 'visible', timeout: SYNC_MS })
    await pageA.locator('.op-balance').waitFor({ state: 'visible', timeout: SYNC_MS })
    const before = await balanceShown(pageA)
    expect(before.counts).toEqual({ pubblico: 0, 'privato-sociale': 0, civico: 0 })
    expect(before.verdict).toBe('Nessun soggetto al tavolo')
    expect(await balanceShown(pageB)).toEqual(before)
    lap('phase 1 inserted, balance read in A and B')

    // An active citizen (civic sector, not yet at the table) dragged onto the civic column.
    const civicColumn = await settledRect(pageA, tab.columns['Civico'])
    const into = { x: civicColumn.x + civicColumn.w / 2, y: civicColumn.y + civicColumn.h * 0.45 }
    const canvasNow = (await pageA.locator('.op-board__canvas').boundingBox())!
    const tAdded = Date.now()
    await pageA
      .locator('[data-kind="cittadino"]')
      .dragTo(pageA.locator('.op-board__canvas'), { targetPosition: { x: into.x - canvasNow.x, y: into.y - canvasNow.y } })
    await expect.poll(async () => (await diagram(pageA)).elements.filter((e) => e.kind === 'cittadino').length, { timeout: SYNC_MS }).toBe(1)
    const citizen = (await diagram(pageA)).elements.find((e) => e.kind === 'cittadino')!
    expect(citizen).toMatchObject({ name: 'Cittadino/a attivo/a', sector: 'civico', parentId: tab.columns['Civico'] })
    expect((await table(pageA))!.inside).toContain(citizen.id)

    const after: typeof before = { counts: { ...before.counts, civico: before.counts.civico + 1 }, verdict: 'Manca: Pubblico, Privato sociale' }
    await expect.poll(() => balanceShown(pageA), { timeout: SYNC_MS }).toEqual(after)
    await expect.poll(() => balanceShown(pageB), { timeout: SYNC_MS }).toEqual(after)
    expect(after.verdict).not.toBe(before.verdict)
    lap(`citizen counted in A and B (${Date.now() - tAdded} ms from the start of the drag)`)

    // A third-sector organisation by click: it lands at the centre of the view, in the middle column.
    await pageA.click('[data-kind="terzo-settore"]')
    const third: typeof before = { counts: { ...after.counts, 'privato-sociale': after.counts['privato-sociale'] + 1 }, verdict: 'Manca: Pubblico' }
    await expect.poll(() => balanceShown(pageA), { timeout: SYNC_MS }).toEqual(third)
    await expect.poll(() => balanceShown(pageB), { timeout: SYNC_MS }).toEqual(third)
    const org = (await diagram(pageA)).elements.find((e) => e.kind === 'terzo-settore')!
    expect(org.parentId).toBe(tab.columns['Privato sociale'])
    lap('third-sector organisation counted in A and B')

    await pageA.keyboard.press('Escape')
    await pageA.screenshot({ path: join(ARTIFACTS, 'diagram-phase1.png') })
    await pageB.screenshot({ path: join(ARTIFACTS, 'diagram-phase1-b.png') })
    expect([...errorsA, ...errorsB]).toEqual([])
    lap('done')
  })

  it('reverses a relation drawn the wrong way round, for everyone', async () => {
    const link = (await createBoard(env.server.url, 'Direzione')).links.participant
    const { page: pageA } = await joinBoard(env.a, link, 'Giulia')
    const { page: pageB } = await joinBoard(env.b, link, 'Marco')
    await pageA.click('[data-kind="giunta"]')
    await pageA.click('[data-kind="cabina-regia"]')
    const [first, second] = (await diagram(pageA)).elements
    // Move the second card well away from the first, then draw from the second to the first.
    const r2 = await screenRect(pageA, second.id)
    await mouseDrag(pageA, { x: r2.x + 20, y: r2.y + 8 }, { x: r2.x + 360, y: r2.y + 228 })
    await pageA.keyboard.press('a')
    await mouseDrag(pageA, centre(await screenRect(pageA, second.id)), centre(await screenRect(pageA, first.id)))
    await pageA.click('[data-relation="coordina"]')
    await expect.poll(async () => (await diagram(pageB)).arrows[0]?.bindings, { timeout: 5000 }).toEqual({ start: second.id, end: first.id })

    await pageA.click('.op-inspector__reverse')
    await expect.poll(async () => (await diagram(pageB)).arrows[0]?.bindings, { timeout: 5000 }).toEqual({ start: first.id, end: second.id })
    expect((await diagram(pageB)).arrows[0]).toMatchObject({ relation: 'coordina', arrowheadEnd: 'arrow' })
  })
})
