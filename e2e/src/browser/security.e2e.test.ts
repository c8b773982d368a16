import { join } from 'node:path'
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, drawRectangle, joinBoard, rectangles } from '../harness/boardPage.ts'
import { launchContext } from '../harness/browser.ts'
import { createBoard, startServer } from '../harness/server.ts'

describe('the board under its Content-Security-Policy', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  let ctx: BrowserContext
  beforeAll(async () => {
    server = await startServer()
    ctx = await launchContext()
    // Every page of the context reports what the policy blocked, from its first script on.
    await ctx.addInitScript(() => {
      const seen: string[] = ((window as any).cspViolations = [])
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`))
    })
  })
  afterAll(async () => {
    await ctx?.close()
    await server?.close()
  })

  it('draws, types and highlights with nothing blocked, under the headers a board must carry', async () => {
    const board = await createBoard(server.url, 'Sicurezza')
    const boardId = board.id
    const link = board.links.participant
    // The page joinBoard will use, so that listening starts before it loads.
    const page = ctx.pages()[0] ?? (await ctx.newPage())
    const consoleViolations: string[] = []
    page.on('console', (m) => void (/Content Security Policy|Refused to/i.test(m.text()) && consoleViolations.push(m.text())))
    // The link's token is in its fragment, which never reaches the server: the page is fetched without it.
    const { origin, pathname } = new URL(link)
    const navigation = page.waitForResponse(`${origin}${pathname}`)

    const { errors } = await joinBoard(ctx, link, 'Giulia')
    const headers = await (await navigation).allHeaders()
    expect(headers['content-security-policy']).toBe(
      "default-src 'self';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';" +
        "img-src 'self' data: blob:;font-src 'self' data:;" +
        `connect-src 'self' data: ws://${new URL(server.url).host} wss://${new URL(server.url).host};` +
        "worker-src 'self' blob:;object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'none'"
    )
    expect(headers['x-frame-options']).toBe('DENY')
    expect(headers['x-content-type-options']).toBe('nosniff')
    expect(headers['referrer-policy']).toBe('no-referrer')

    await drawRectangle(page, 300, 250)
    expect(await rectangles(page)).toBe(1)
    await page.mouse.dblclick(380, 300)
    await page.waitForSelector('.tl-shape [contenteditable="true"]:focus')
    await page.keyboard.type('Patto di collaborazione')
    await page.keyboard.press('Escape')
    const labelOf = (records: any[]) => JSON.stringify(records.find((r) => r.type === 'geo')?.props.richText ?? null)
    await expect
      .poll(async () => labelOf(await page.evaluate(() => (window as any).opificioEditor.getCurrentPageShapes())))
      .toContain('Patto di collaborazione')
    // The server has it too: the socket got through the policy.
    const room = (await server.app.rooms.get(boardId))!
    await expect.poll(() => labelOf(room.documentRecords), { timeout: 5000 }).toContain('Patto di collaborazione')

    // Evidenzia fades through a <style> element: the policy must let it apply.
    await page.click('[data-kind="cittadino"]')
    await page.selectOption('.op-bar-field select', 'sector:pubblico')
    await expect
      .poll(() => page.locator('.tl-shape[data-shape-type="element"]').evaluate((el) => getComputedStyle(el).opacity), { timeout: 3000 })
      .toBe('0.12')
    await page.screenshot({ path: join(ARTIFACTS, 'security.png') })

    expect(await page.evaluate(() => (window as any).cspViolations)).toEqual([])
    expect(consoleViolations).toEqual([])
    expect(errors).toEqual([])
  })

  it('cannot be framed by another site', async () => {
    const board = await createBoard(server.url, 'Cornice')
    const page = await ctx.newPage()
    const refused = page.waitForEvent('console', (m) => /frame-ancestors/.test(m.text()))
    await page.setContent(`<iframe src="${board.links.participant}" width="800" height="600"></iframe>`)
    await refused
    const frame = page.frames().find((f) => f !== page.mainFrame())!
    expect(await frame.evaluate(() => Boolean((window as any).opificioEditor)).catch(() => false)).toBe(false)
  })
})
