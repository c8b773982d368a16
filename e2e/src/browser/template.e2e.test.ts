import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { ARTIFACTS, useTwoBrowsers, joinBoard } from '../harness/boardPage.ts'
import { createBoard } from '../harness/server.ts'
import { join } from 'node:path'

const paletteLabel = (page: Page, kind: string) => page.locator(`[data-kind="${kind}"] .op-palette__label`).textContent()
const faded = (page: Page) =>
  page.evaluate(() => {
    const editor = (window as any).opificioEditor
    return editor
      .getCurrentPageShapes()
      .filter((s: any) => getComputedStyle(document.querySelector(`.tl-shape[data-shape-id="${s.id}"]`)!).opacity < '0.5')
      .map((s: any) => (s.type === 'element' ? s.props.kind : s.type))
      .sort()
  })

describe('the process template and the views, in two real browsers', () => {
  const env = useTwoBrowsers()

  it('a type renamed and a line added by one person reach everyone at once; highlighting fades only here; English on request', async () => {
    const board = await createBoard(env.server.url, 'Modello')
    // The template is the facilitator's to edit: A comes in by the facilitator's link, B as a participant.
    const { page: pageA } = await joinBoard(env.a, board.links.facilitator, 'Facilitatrice')
    const { page: pageB } = await joinBoard(env.b, board.links.participant, 'Marco')
    expect(await paletteLabel(pageB, 'cittadino')).toBe('Cittadino/a attivo/a')

    await pageA.click('button[aria-label^="Tipi e linee:"]')
    await pageA.locator('.op-dialog input[aria-label="Soggetti"]').nth(5).fill('Cittadinanza attiva')
    await pageA.click('.op-dialog >> text=Aggiungi linea')
    await pageA.locator('.op-dialog input[aria-label="Linee di produzione"]').last().fill('Welfare culturale')
    await pageA.screenshot({ path: join(ARTIFACTS, 'template-editor.png') })
    await pageA.click('.op-dialog >> text=Chiudi')
    await expect.poll(() => paletteLabel(pageB, 'cittadino'), { timeout: 5000 }).toBe('Cittadinanza attiva')

    // B uses the new line on a new element: the server accepts it, since the board's template has it.
    await pageB.click('[data-kind="cittadino"]')
    await pageB.locator('.op-inspector .op-check', { hasText: 'Welfare culturale' }).click()
    await expect
      .poll(
        () => pageA.evaluate(() => (window as any).opificioEditor.getCurrentPageShapes().find((s: any) => s.type === 'element')?.props.lines.length),
        { timeout: 5000 }
      )
      .toBe(1)
    expect(await pageB.locator('.op-notice').count()).toBe(0)

    // A highlights the public sector: the civic element fades on A's screen only.
    await pageA.click('[data-kind="ente-pubblico"]')
    await pageA.selectOption('.op-bar-field select', 'sector:pubblico')
    await expect.poll(() => faded(pageA), { timeout: 3000 }).toEqual(['cittadino'])
    expect(await faded(pageB)).toEqual([])
    await pageA.screenshot({ path: join(ARTIFACTS, 'view-sector.png') })

    await pageB.click('button[lang=en]')
    expect(await paletteLabel(pageB, 'terzo-settore')).toBe('Third-sector organisation')
    expect(await pageB.locator('.op-palette__group h2').first().textContent()).toBe('Places of the square kilometre')
    await expect.poll(() => pageB.evaluate(() => (window as any).opificioEditor.user.getLocale()), { timeout: 3000 }).toBe('en')
  })
})
