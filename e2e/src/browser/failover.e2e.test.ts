import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, joinBoard } from '../harness/boardPage.ts'
import { launchContext } from '../harness/browser.ts'
import { startCluster, type Cluster } from '../harness/cluster.ts'
import { createBoard, linkOn } from '../harness/server.ts'

const geoCount = (page: Page) =>
  page.evaluate(() => (window as any).opificioEditor.getCurrentPageShapes().filter((s: any) => s.type === 'geo').length)

describe('a browser outlives the node it is on (SERVER_URLS, no load balancer)', () => {
  let cluster: Cluster
  let a: BrowserContext
  let b: BrowserContext
  beforeAll(async () => {
    cluster = await startCluster(2, { advertise: true })
    a = await launchContext()
    b = await launchContext()
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await cluster?.stop()
  })

  it('moves to the other node when its node is killed, and its drawing still reaches the others', async () => {
    const board = await createBoard(cluster.urls[0], 'Failover')
    const { page: pageA } = await joinBoard(a, linkOn(cluster.urls[0], board.links.participant), 'Giulia')
    const { page: pageB } = await joinBoard(b, linkOn(cluster.urls[1], board.links.participant), 'Marco')
    await pageA.evaluate(() => void (window as any).opificioEditor.createShape({ type: 'geo', x: 100, y: 100, props: { w: 120, h: 80 } }))
    await expect.poll(() => geoCount(pageB), { timeout: 5000 }).toBe(1)

    // A's page came from node 0, so A is connected there: kill it.
    cluster.nodes[0].child.kill('SIGKILL')
    await pageA.waitForSelector('[data-connection="offline"]', { timeout: 5000 })
    const killedAt = Date.now()
    await pageA.evaluate(() => void (window as any).opificioEditor.createShape({ type: 'geo', x: 400, y: 100, props: { w: 120, h: 80 } }))
    await pageB.evaluate(() => void (window as any).opificioEditor.createShape({ type: 'geo', x: 400, y: 300, props: { w: 120, h: 80 } }))
    await expect.poll(() => geoCount(pageB), { timeout: 15_000 }).toBe(3)
    await expect.poll(() => geoCount(pageA), { timeout: 15_000 }).toBe(3)
    console.log(`after a node kill, both browsers agree again ${Date.now() - killedAt} ms later`)
    await expect.poll(() => pageA.locator('[data-connection]').count(), { timeout: 10_000 }).toBe(0)
    await pageA.screenshot({ path: join(ARTIFACTS, 'failover-a.png') })
  })
})
