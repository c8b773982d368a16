import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRedis, type TestRedis } from '@opificio/server/testing'
import { ARTIFACTS, drawRectangle, joinBoard, rectangles, waitForRectangles } from '../harness/boardPage.ts'
import { launchContext } from '../harness/browser.ts'
import { createBoard, linkOn } from '../harness/server.ts'
import { spawnServer, stopServer, type ServerProcess } from '../harness/serverProcess.ts'

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
    const board = await createBoard(nodeA.url, 'Due nodi')
    // The participants' link, opened on each node: the board and its token are the cluster's, not a node's.
    const { page: pageA } = await joinBoard(a, linkOn(nodeA.url, board.links.participant), 'Giulia')
    const { page: pageB } = await joinBoard(b, linkOn(nodeB.url, board.links.participant), 'Marco')
    // Each page is on its own node: nothing but Redis links them.
    expect(new URL(pageA.url()).port).toBe(String(nodeA.port))
    expect(new URL(pageB.url()).port).toBe(String(nodeB.port))

    await drawRectangle(pageA, 300, 250)
    expect(await rectangles(pageA)).toBe(1)
    const aToB = await waitForRectangles(pageB, 1, 1000)
    console.log(`cluster: rectangle drawn in A (node ${nodeA.port}) seen in B (node ${nodeB.port}) after ${aToB} ms`)

    await drawRectangle(pageB, 600, 450)
    expect(await rectangles(pageB)).toBe(2)
    const bToA = await waitForRectangles(pageA, 2, 1000)
    console.log(`cluster: rectangle drawn in B seen in A after ${bToA} ms`)

    expect(await seesCursorOf(pageA, pageB, 'Marco')).toBe(1)
    expect(await seesCursorOf(pageB, pageA, 'Giulia')).toBe(1)
    await pageA.screenshot({ path: join(ARTIFACTS, 'cluster-a.png') })
    await pageB.screenshot({ path: join(ARTIFACTS, 'cluster-b.png') })

    expect(nodeA.hasExited() || nodeB.hasExited()).toBe(false)
  })
})
