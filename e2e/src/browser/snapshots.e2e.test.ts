import { execFileSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BrowserContext, Download, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, joinBoard } from '../harness/boardPage.ts'
import { launchContext } from '../harness/browser.ts'
import { createBoard, startServer } from '../harness/server.ts'

const SYNC_MS = 10_000

/** The names on the cards of the page's board, sorted (read only). */
const cardNames = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    (window as any).opificioEditor
      .getCurrentPageShapes()
      .filter((s: any) => s.type === 'element')
      .map((s: any) => s.props.name as string)
      .sort()
  )

/** Places a card from the palette and names it (the naming itself is the diagram's, tested elsewhere). */
async function placeNamedCard(page: Page, kind: string, name: string): Promise<string> {
  const before: string[] = await page.evaluate(() => (window as any).opificioEditor.getCurrentPageShapeIds().values().toArray())
  await page.click(`[data-kind="${kind}"]`)
  await expect
    .poll(async () => (await page.evaluate(() => (window as any).opificioEditor.getCurrentPageShapeIds().size)) as number)
    .toBe(before.length + 1)
  return page.evaluate(
    ({ known, name }) => {
      const editor = (window as any).opificioEditor
      const id = [...editor.getCurrentPageShapeIds()].find((i: string) => !known.includes(i))
      editor.updateShape({ id, type: 'element', props: { name } })
      // Spread the cards, so the exported image shows each.
      editor.updateShape({ id, type: 'element', x: known.length * 280, y: 0 })
      editor.selectNone()
      return id as string
    },
    { known: before, name }
  )
}

async function setPhase(page: Page, phase: number) {
  const button = page.locator('.op-tools button[aria-controls]', { hasText: 'Sessione' })
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click()
  await page.getByLabel('Fase corrente, mostrata a tutti accanto al titolo').selectOption(String(phase))
  await button.click()
}

async function openSnapshots(page: Page) {
  const button = page.getByRole('button', { name: 'Istantanee', exact: true })
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click()
  await page.locator('.op-snapshots').waitFor()
}

async function saveSnapshot(page: Page, title: string) {
  await openSnapshots(page)
  await page.getByLabel('Titolo dell’istantanea').fill(title)
  await page.getByTestId('snapshot-take').click()
  await page.locator('.op-snapshots__item', { hasText: title }).waitFor({ timeout: SYNC_MS })
}

const item = (page: Page, title: string) => page.locator('.op-snapshots__item', { hasText: title })

/** Saves a download into the artefacts, where people look at them. */
async function keep(download: Download, name: string): Promise<string> {
  const path = join(ARTIFACTS, name)
  await download.saveAs(path)
  return path
}

describe('phase outputs in the browser: snapshot, compare, restore and undo, export', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  let ctx: BrowserContext
  let projectorCtx: BrowserContext

  beforeAll(async () => {
    server = await startServer()
    ;[ctx, projectorCtx] = await Promise.all([
      launchContext({ viewport: { width: 1440, height: 900 } }),
      launchContext({ viewport: { width: 1920, height: 1080 } }),
    ])
  })
  afterAll(async () => {
    await ctx?.close()
    await projectorCtx?.close()
    await server?.close()
  })

  it('a facilitator snapshots phases 1 and 2, compares them, restores phase 1, undoes it, and downloads a PDF and a PNG', async () => {
    const board = await createBoard(server.url, 'Opificio — Tavolo di Negoziazione')
    const { page, errors, foreign } = await joinBoard(ctx, board.links.facilitator, 'Giulia')
    page.on('dialog', (d) => void d.accept())

    // Phase 1: two cards.
    await setPhase(page, 1)
    const comune = await placeNamedCard(page, 'comune', 'Comune di Santarcangelo')
    await placeNamedCard(page, 'terzo-settore', 'Società Cooperativa «Il Mulino»')
    await saveSnapshot(page, 'Esito fase 1')
    expect(await item(page, 'Esito fase 1').locator('xpath=ancestor::fieldset/legend').textContent()).toContain('Fase 1')

    // Phase 2: one renamed, one removed, one added.
    await setPhase(page, 2)
    await page.evaluate(
      (id) => (window as any).opificioEditor.updateShape({ id, type: 'element', props: { name: 'Comune — Servizi sociali' } }),
      comune
    )
    await page.evaluate(() => {
      const editor = (window as any).opificioEditor
      const coop = editor.getCurrentPageShapes().find((s: any) => s.props?.name?.startsWith('Società'))
      editor.deleteShapes([coop.id])
    })
    await placeNamedCard(page, 'cittadino', 'Gruppo di cittadini attivi')
    const phase2Names = ['Comune — Servizi sociali', 'Gruppo di cittadini attivi']
    await expect.poll(() => cardNames(page)).toEqual(phase2Names)
    await saveSnapshot(page, 'Esito fase 2')
    expect(await item(page, 'Esito fase 2').locator('xpath=ancestor::fieldset/legend').textContent()).toContain('Fase 2')

    // Compare: phase 1 opened, compared with phase 2.
    await item(page, 'Esito fase 1').locator('[data-action="open"]').click()
    await page.locator('.op-snapshot-viewer').waitFor()
    await page.locator('.op-snapshot-viewer').getByLabel('Confronta con').selectOption({ label: 'Esito fase 2' })
    const counts = page.locator('.op-compare__counts')
    await expect.poll(() => counts.getAttribute('data-added'), { timeout: SYNC_MS }).toBe('1')
    expect(await counts.getAttribute('data-removed')).toBe('1')
    expect(await counts.getAttribute('data-changed')).toBe('1')
    const listed = await page.locator('.op-compare__item').allInnerTexts()
    expect(listed.join('\n')).toContain('Comune di Santarcangelo')
    expect(listed.join('\n')).toContain('Comune — Servizi sociali')
    expect(listed.join('\n')).toContain('Società Cooperativa «Il Mulino»')
    // The added and the renamed card are outlined on the canvas.
    await expect.poll(() => page.locator('.op-compare-outline').count()).toBe(2)
    await page.screenshot({ path: join(ARTIFACTS, 'snapshots-compare.png') })

    // The facilitator puts the phase 1 output on the projector, then takes it off.
    const projector = await joinBoard(projectorCtx, board.links.projector, 'Proiettore')
    await page.getByTestId('snapshot-projector').click()
    const projected = projector.page.locator('.op-projector__snapshot')
    await projected.locator('.tl-canvas').waitFor({ timeout: SYNC_MS })
    expect(await projected.locator('.op-projector__snapshot-title').textContent()).toContain('Esito fase 1')
    await expect.poll(() => projected.locator('.tl-shape[data-shape-type="element"]').count(), { timeout: SYNC_MS }).toBe(2)
    await projector.page.screenshot({ path: join(ARTIFACTS, 'snapshots-projector.png') })
    await page.getByTestId('snapshot-projector').click()
    await projected.waitFor({ state: 'detached', timeout: SYNC_MS })
    expect(projector.errors).toEqual([])
    await page.getByRole('button', { name: 'Torna alla lavagna' }).click()

    // Restore phase 1, then undo the restore.
    await item(page, 'Esito fase 1').locator('[data-action="restore"]').click()
    await expect.poll(() => cardNames(page), { timeout: SYNC_MS }).toEqual(['Comune di Santarcangelo', 'Società Cooperativa «Il Mulino»'])
    await page.getByTestId('snapshot-undo').click()
    await expect.poll(() => cardNames(page), { timeout: SYNC_MS }).toEqual(phase2Names)
    await expect.poll(() => page.locator('.op-snapshots__item[data-kind="before-restore"]').count()).toBe(2)

    // A PDF of the phase 2 output, from its snapshot.
    await item(page, 'Esito fase 2').locator('[data-action="open"]').click()
    await page.locator('.op-snapshot-viewer .tl-canvas').waitFor()
    const [pdfDownload] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.locator('.op-snapshot-viewer [data-export="pdf"]').click(),
    ])
    expect(pdfDownload.suggestedFilename()).toMatch(/^Opificio-Tavolo-di-Negoziazione_fase-2_Esito-fase-2_\d{4}-\d{2}-\d{2}\.pdf$/)
    const pdf = await keep(pdfDownload, 'snapshots-phase2.pdf')
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBeGreaterThanOrEqual(3)
    // In reading order, white space collapsed: a name wrapped in its table cell reads whole.
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ')
    for (const expected of ['Opificio — Tavolo di Negoziazione', 'Comune — Servizi sociali', 'Gruppo di cittadini attivi', 'Pagina 1 di'])
      expect(text).toContain(expected)
    execFileSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '2', pdf, join(ARTIFACTS, 'snapshots-phase2-pdf')])
    await page.getByRole('button', { name: 'Torna alla lavagna' }).click()

    // A PNG of the live board.
    const [pngDownload] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.locator('.op-snapshots [data-export="png"]').click(),
    ])
    expect(pngDownload.suggestedFilename()).toMatch(/^Opificio-Tavolo-di-Negoziazione_fase-2_\d{4}-\d{2}-\d{2}\.png$/)
    const png = await keep(pngDownload, 'snapshots-live.png')
    const bytes = await import('node:fs/promises').then((fs) => fs.readFile(png))
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    const [w, h] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]
    expect(w).toBeGreaterThan(400)
    expect(h).toBeGreaterThan(100)
    await writeFile(join(ARTIFACTS, 'snapshots-live.txt'), `${w}x${h}\n`)

    expect(errors).toEqual([])
    expect(foreign).toEqual([])
  })
})
