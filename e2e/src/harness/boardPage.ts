import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { launchContext, recordForeignRequests } from './browser.ts'
import { repoRoot, startServer } from './server.ts'

/** Screenshots that tests save for people to look at. */
export const ARTIFACTS = join(repoRoot, 'e2e/artifacts')
await mkdir(ARTIFACTS, { recursive: true })

export interface JoinedBoard {
  page: Page
  /** Requests to any host but the board's server, from the very first one. */
  foreign: string[]
  /** Uncaught errors of the page. */
  errors: string[]
}

/** Opens a board link as a person would: answers the name prompt if asked, waits for the canvas. */
export async function joinBoard(ctx: BrowserContext, url: string, name: string): Promise<JoinedBoard> {
  const page = ctx.pages()[0] ?? (await ctx.newPage())
  const foreign = recordForeignRequests(page, url)
  const errors: string[] = []
  const failedResponses: string[] = []
  page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`))
  page.on('response', (r) => void (r.status() >= 400 && failedResponses.push(`${r.status()} ${r.url()}`)))
  try {
    await page.goto(url)
    await page.waitForSelector('#user-name, .tl-canvas', { timeout: 30_000 })
    // The name is asked once per browser, then remembered.
    if (await page.locator('#user-name').count()) {
      await page.fill('#user-name', name)
      await page.click('button[type=submit]')
    }
    await page.waitForFunction(() => Boolean((window as any).opificioEditor), undefined, { timeout: 30_000 })
  } catch (e) {
    // Say what the page showed instead, so a failure here can be told apart from a sync bug.
    await page.screenshot({ path: join(ARTIFACTS, `join-failed-${name}.png`) }).catch(() => undefined)
    const text = await page
      .locator('body')
      .innerText()
      .catch(() => '?')
    throw new Error(
      `${name} could not open ${url}: ${(e as Error).message}\npage text: ${text.slice(0, 300)}\n${[...errors, ...failedResponses].join('\n')}`
    )
  }
  return { page, foreign, errors }
}

export type Rect = { x: number; y: number; w: number; h: number }

/** A shape's bounds on screen (CSS pixels of the page), from the editor's camera. */
export function screenRect(page: Page, id: string): Promise<Rect> {
  return page.evaluate((shapeId) => {
    const editor = (window as any).opificioEditor
    const b = editor.getShapePageBounds(shapeId)
    const tl = editor.pageToScreen({ x: b.minX, y: b.minY })
    const br = editor.pageToScreen({ x: b.maxX, y: b.maxY })
    return { x: tl.x, y: tl.y, w: br.x - tl.x, h: br.y - tl.y }
  }, id)
}

export const rectangles = (page: Page) => page.locator('.tl-shape[data-shape-type="geo"]').count()

/** Draws a rectangle with the rectangle tool, by mouse, from (x, y). */
export async function drawRectangle(page: Page, x: number, y: number) {
  await page.mouse.click(x - 40, y - 40)
  await page.keyboard.press('r')
  await page.mouse.move(x, y)
  await page.mouse.down()
  await page.mouse.move(x + 80, y + 50, { steps: 4 })
  await page.mouse.move(x + 160, y + 100, { steps: 4 })
  await page.mouse.up()
  await page.keyboard.press('Escape')
}

/** Waits until the page shows `count` rectangles; returns how long that took. */
export async function waitForRectangles(page: Page, count: number, timeout: number) {
  const start = Date.now()
  while ((await rectangles(page)) !== count) {
    if (Date.now() - start > timeout) throw new Error(`expected ${count} rectangles, saw ${await rectangles(page)}`)
    await page.waitForTimeout(10)
  }
  return Date.now() - start
}

export interface TwoBrowsers {
  server: Awaited<ReturnType<typeof startServer>>
  a: BrowserContext
  b: BrowserContext
}

/** A server and two fresh browsers, A and B, for the tests of the calling describe block. */
export function useTwoBrowsers(): TwoBrowsers {
  const env = {} as TwoBrowsers
  beforeAll(async () => {
    env.server = await startServer()
    ;[env.a, env.b] = await Promise.all([launchContext(), launchContext()])
  })
  afterAll(async () => {
    await env.a?.close()
    await env.b?.close()
    await env.server?.close()
  })
  return env
}
