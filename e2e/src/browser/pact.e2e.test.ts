import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { joinBoard } from '../harness/boardPage.ts'
import { launchContext } from '../harness/browser.ts'
import { createBoard, startServer } from '../harness/server.ts'

describe('the pact’s "chi fa cosa" table', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  let ctx: BrowserContext
  beforeAll(async () => {
    server = await startServer()
    ctx = await launchContext({ viewport: { width: 1280, height: 800 } })
  })
  afterAll(async () => {
    await ctx?.close()
    await server?.close()
  })

  it('opens a row’s commitment in the inspector where the row is, and shows what is written there', async () => {
    const board = await createBoard(server.url, 'Patto')
    const { page, errors } = await joinBoard(ctx, board.links.facilitator, 'Giulia')
    await page.selectOption('select[aria-label="Inserisci il modello di una fase"]', '3')
    await expect.poll(() => page.locator('.op-pact').count()).toBe(1)
    // Two cards and a "si impegna a" between them (drawing them is the diagram tests' job).
    const arrow = await page.evaluate(() => {
      const editor = (window as any).opificioEditor
      const card = (id: string, x: number, name: string) =>
        editor.createShape({
          id,
          type: 'element',
          x,
          y: -600,
          props: { w: 220, h: 120, kind: 'terzo-settore', name, sector: 'privato-sociale', lines: [], notes: '' },
        })
      card('shape:coop', 0, 'Cooperativa Il Mosaico')
      card('shape:scuola', 400, 'Scuola elementare')
      editor.createShape({
        id: 'shape:impegno',
        type: 'arrow',
        x: 0,
        y: 0,
        meta: { relation: 'impegno', commitment: { what: 'Doposcuola', by: '', resources: '' } },
      })
      const anchor = { normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false }
      editor.createBindings([
        { type: 'arrow', fromId: 'shape:impegno', toId: 'shape:coop', props: { terminal: 'start', ...anchor } },
        { type: 'arrow', fromId: 'shape:impegno', toId: 'shape:scuola', props: { terminal: 'end', ...anchor } },
      ])
      const pact = editor.getCurrentPageShapes().find((s: any) => s.type === 'pact')
      editor.selectNone()
      editor.zoomToBounds(editor.getShapePageBounds(pact), { targetZoom: 1 })
      return 'shape:impegno'
    })
    const row = page.locator(`.op-pact__row[data-relation="${arrow}"]`)
    await row.waitFor()
    await row.click()
    await expect.poll(() => page.evaluate(() => (window as any).opificioEditor.getSelectedShapeIds())).toEqual([arrow])
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-commitment'))).toBe('what')
    await page.keyboard.type(' due pomeriggi a settimana')
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('Doposcuola due pomeriggi a settimana')
    expect(errors).toEqual([])
  })
})
