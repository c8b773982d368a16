import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRedis, type TestRedis } from '../../../server/src/storage/redis/testRedis.ts'
import { launchContext } from '../harness/browser.ts'
import { createBoard, repoRoot } from '../harness/server.ts'
import { spawnServer, stopServer, type ServerProcess } from '../harness/serverProcess.ts'

const ARTIFACTS = join(repoRoot, 'e2e/artifacts')

async function joinBoard(ctx: BrowserContext, url: string, name: string): Promise<Page> {
  const page = ctx.pages()[0] ?? (await ctx.newPage())
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('response', (r) => void (r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`)))
  try {
    await page.goto(url)
    await page.waitForSelector('#user-name, .tl-canvas', { timeout: 30_000 })
    if (await page.locator('#user-name').count()) {
      await page.fill('#user-name', name)
      await page.click('button[type=submit]')
    }
    await page.waitForSelector('.tl-canvas', { timeout: 30_000 })
  } catch (e) {
    // Say what the page showed instead, so a failure here can be told apart from a sync bug.
    await page.screenshot({ path: join(ARTIFACTS, `cluster-${name}-failed.png`) }).catch(() => undefined)
    const text = await page.locator('body').innerText().catch(() => '?')
    throw new Error(`${name} could not open ${url}: ${(e as Error).message}\npage text: ${text.slice(0, 300)}\n${problems.join('\n')}`)
  }
  return page
}

const rectangles = (page: Page) => page.locator('.tl-shape[data-shape-type="geo"]').count()

async function drawRectangle(page: Page, x: number, y: number) {
  await page.mouse.click(x - 40, y - 40)
  await page.keyboard.press('r')
  await page.mouse.move(x, y)
  await page.mouse.down()
  await page.mouse.move(x + 80, y + 50, { steps: 4 })
  await page.mouse.move(x + 160, y + 100, { steps: 4 })
  await page.mouse.up()
  await page.keyboard.press('Escape')
}

async function waitForCount(page: Page, count: number, timeout: number) {
  const start = Date.now()
  while ((await rectangles(page)) !== count) {
    if (Date.now() - start > timeout) throw new Error(`expected ${count} rectangles, saw ${await rectangles(page)}`)
    await page.waitForTimeout(10)
  }
  return Date.now() - start
}

/** Waits until `watcher` shows the other person's cursor, labelled with their name. */
async function seesCursorOf(watcher: Page, mover: Page, name: string) {
  await mover.mouse.move(700, 420)
  await mover.mouse.move(730, 440, { steps: 5 })
  const cursor = watcher.locator('.tl-collaborator__cursor', { hasText: name })
  await cursor.first().waitFor({ state: 'visible', timeout: 5000 })
  return cursor.count()
}

describe('one board on two server nodes sharing a Redis', () => {
  let redis: TestRedis
  let nodeA: ServerProcess
  let nodeB: ServerProcess
  let a: BrowserContext
  let b: BrowserContext

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true })
    redis = await startTestRedis()
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: `browser-cluster-${randomBytes(4).toString('hex')}:` }
    ;[nodeA, nodeB] = await Promise.all([spawnServer({ env }), spawnServer({ env })])
    ;[a, b] = await Promise.all([launchContext(), launchContext()])
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await Promise.all([nodeA, nodeB].filter(Boolean).map((n) => stopServer(n)))
    await redis?.stop()
  })

  it('a rectangle drawn on one node shows on the other within a second, both ways, with the other person’s cursor', async () => {
    const boardId = await createBoard(nodeA.url, 'Due nodi')
    const pageA = await joinBoard(a, `${nodeA.url}/b/${boardId}`, 'Giulia')
    const pageB = await joinBoard(b, `${nodeB.url}/b/${boardId}`, 'Marco')
    // Each page is on its own node: nothing but Redis links them.
    expect(new URL(pageA.url()).port).toBe(String(nodeA.port))
    expect(new URL(pageB.url()).port).toBe(String(nodeB.port))

    await drawRectangle(pageA, 300, 250)
    expect(await rectangles(pageA)).toBe(1)
    const aToB = await waitForCount(pageB, 1, 1000)
    console.log(`cluster: rectangle drawn in A (node ${nodeA.port}) seen in B (node ${nodeB.port}) after ${aToB} ms`)

    await drawRectangle(pageB, 600, 450)
    expect(await rectangles(pageB)).toBe(2)
    const bToA = await waitForCount(pageA, 2, 1000)
    console.log(`cluster: rectangle drawn in B seen in A after ${bToA} ms`)

    expect(await seesCursorOf(pageA, pageB, 'Marco')).toBe(1)
    expect(await seesCursorOf(pageB, pageA, 'Giulia')).toBe(1)
    await pageA.screenshot({ path: join(ARTIFACTS, 'cluster-a.png') })
    await pageB.screenshot({ path: join(ARTIFACTS, 'cluster-b.png') })

    expect(nodeA.hasExited() || nodeB.hasExited()).toBe(false)
  })
})
