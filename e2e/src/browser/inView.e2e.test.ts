import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { joinBoard, useTwoBrowsers } from '../harness/boardPage.ts'
import { createBoard } from '../harness/server.ts'

const SHOW_MS = 5000

/** Whether the page draws the card's content (its name) and the arrow's line, not only their empty places. */
function drawn(page: Page, ids: { card: string; arrow: string }) {
  return page.evaluate(
    ({ card, arrow }) => ({
      card: document.querySelector(`.tl-shape[data-shape-id="${card}"] .op-element__name`)?.textContent ?? null,
      arrow: document.querySelector(`.tl-shape[data-shape-id="${arrow}"] path`) !== null,
    }),
    ids
  )
}

describe('shapes out of view', () => {
  const env = useTwoBrowsers()

  it('are drawn once they come into view, and only then', async () => {
    const board = await createBoard(env.server.url, 'Lontano')
    const { page, errors } = await joinBoard(env.a, board.links.facilitator, 'Giulia')
    const far = await page.evaluate(() => {
      const editor = (window as any).opificioEditor
      const card = 'shape:far-card'
      const arrow = 'shape:far-arrow'
      editor.createShapes([
        { id: 'shape:near-card', type: 'element', x: 100, y: 100, props: { kind: 'comune', name: 'Municipio' } },
        { id: card, type: 'element', x: 40_000, y: 30_000, props: { kind: 'biblioteca', name: 'Biblioteca Baldini' } },
        { id: arrow, type: 'arrow', x: 40_000, y: 30_400, props: { start: { x: 0, y: 0 }, end: { x: 300, y: 0 } } },
      ])
      return { card, arrow }
    })
    await expect
      .poll(() => page.locator('.tl-shape[data-shape-id="shape:near-card"] .op-element__name').textContent(), { timeout: SHOW_MS })
      .toBe('Municipio')
    // Mounted by tldraw, as every shape of the page is, but nothing drawn inside while out of view.
    expect(await page.locator(`.tl-shape[data-shape-id="${far.card}"]`).count()).toBe(1)
    expect(await drawn(page, far)).toEqual({ card: null, arrow: false })

    await page.evaluate(() => {
      const editor = (window as any).opificioEditor
      editor.zoomToBounds({ x: 39_800, y: 29_800, w: 900, h: 900 }, { animation: { duration: 0 } })
    })
    await expect.poll(() => drawn(page, far), { timeout: SHOW_MS }).toEqual({ card: 'Biblioteca Baldini', arrow: true })
    expect(errors).toEqual([])
  })
})
