import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { ARTIFACTS, useTwoBrowsers, drawRectangle, joinBoard, rectangles, waitForRectangles } from '../harness/boardPage.ts'
import { launchContext } from '../harness/browser.ts'
import { createBoard, startServer } from '../harness/server.ts'

describe('a board in two real browsers', () => {
  const env = useTwoBrowsers()

  it('shows a rectangle drawn in one in the other within a second, keeps it across reload and restart, never leaves the server', async () => {
    const board = await createBoard(env.server.url, 'Fase 1 — Tavolo di Negoziazione')
    const link = board.links.participant
    const { page: pageA, foreign: foreignA } = await joinBoard(env.a, link, 'Giulia')
    const { page: pageB, foreign: foreignB } = await joinBoard(env.b, link, 'Marco')

    await drawRectangle(pageA, 300, 250)
    expect(await rectangles(pageA)).toBe(1)
    const seenAfter = await waitForRectangles(pageB, 1, 1000)
    console.log(`rectangle drawn in A seen in B after ${seenAfter} ms`)
    await pageB.mouse.move(700, 400)
    await pageB.mouse.move(720, 420, { steps: 5 })
    await pageA.waitForSelector('.tl-collaborator__cursor', { timeout: 5000 })
    // The cursor keeps following: its moves travel as moves both ways (cursorMoves.ts, presenceOutbox.ts), not as records or patches.
    const remoteCursorX = () =>
      pageA.evaluate(() => {
        const records = (window as any).opificioEditor.store.allRecords() as Array<{ typeName: string; cursor: { x: number } }>
        return records.find((r) => r.typeName === 'instance_presence')?.cursor.x ?? null
      })
    const ownCursorX = () => pageB.evaluate(() => (window as any).opificioEditor.inputs.getCurrentPagePoint().x as number)
    await expect.poll(remoteCursorX, { timeout: 5000 }).toBe(await ownCursorX())
    // Every place on the way, not only where it stops: a record sent whole (every 2 s, or once
    // it stands still for half a second) would bring only the last.
    await pageA.evaluate(() => {
      const w = window as any
      w.seenCursorXs = new Set<number>()
      const look = () => {
        const records = w.opificioEditor.store.allRecords() as Array<{ typeName: string; cursor: { x: number } }>
        const x = records.find((r) => r.typeName === 'instance_presence')?.cursor.x
        if (x !== undefined) w.seenCursorXs.add(x)
        if (!w.stopLooking) requestAnimationFrame(look)
      }
      look()
    })
    for (let step = 1; step <= 10; step++) {
      await pageB.mouse.move(720 - 30 * step, 420)
      await pageB.waitForTimeout(100)
    }
    const stoppedAt = await ownCursorX()
    await expect.poll(remoteCursorX, { timeout: 5000 }).toBe(stoppedAt)
    const seen = await pageA.evaluate(() => {
      const w = window as any
      w.stopLooking = true
      return w.seenCursorXs.size as number
    })
    expect(seen).toBeGreaterThanOrEqual(6)
    await pageA.screenshot({ path: join(ARTIFACTS, 'board-a-drawn.png') })
    await pageB.screenshot({ path: join(ARTIFACTS, 'board-b-sees.png') })

    await pageB.reload()
    await pageB.waitForSelector('.tl-canvas')
    await waitForRectangles(pageB, 1, 5000)

    // The server stops: A keeps drawing offline and is told its change will be sent.
    const { dataDir, port } = env.server
    await env.server.close({ keepData: true })
    await pageA.waitForSelector('[data-connection="offline"]', { timeout: 10_000 })
    await drawRectangle(pageA, 600, 450)
    await pageA.screenshot({ path: join(ARTIFACTS, 'board-a-offline.png') })
    expect(await pageA.locator('[data-connection="offline"]').textContent()).toMatch(/Offline/)

    env.server = await startServer({ dataDir, port })
    await waitForRectangles(pageB, 2, 15_000)
    await pageA.waitForSelector('[data-connection]', { state: 'detached', timeout: 15_000 })
    await pageB.screenshot({ path: join(ARTIFACTS, 'board-b-after-restart.png') })

    const fresh = await launchContext()
    try {
      const { page: pageC } = await joinBoard(fresh, link, 'Anna')
      await waitForRectangles(pageC, 2, 5000)
    } finally {
      await fresh.close()
    }
    expect([...foreignA, ...foreignB]).toEqual([])
  })

  it('keeps an arrow bound across browsers, and undo takes back only your own change', async () => {
    const board = await createBoard(env.server.url, 'Governance')
    const link = board.links.participant
    const { page: pageA } = await joinBoard(env.a, link, 'Giulia')
    const { page: pageB } = await joinBoard(env.b, link, 'Marco')
    // Both right of the palette (it is open on a laptop): x = 200 would start the drag on it.
    await drawRectangle(pageA, 300, 250)
    await drawRectangle(pageA, 650, 250)
    await pageA.keyboard.press('a')
    await pageA.mouse.move(380, 300)
    await pageA.mouse.down()
    await pageA.mouse.move(500, 300, { steps: 5 })
    await pageA.mouse.move(730, 300, { steps: 5 })
    await pageA.mouse.up()
    await pageA.keyboard.press('Escape')

    type Info = { arrows: number; bindings: string[]; targetX: number | null }
    const info = (page: Page) =>
      page.evaluate((): Info => {
        const editor = (window as any).opificioEditor
        const shapes = editor.getCurrentPageShapes()
        const arrow = shapes.find((s: any) => s.type === 'arrow')
        const bindings = arrow
          ? editor
              .getBindingsFromShape(arrow, 'arrow')
              .map((b: any) => b.props.terminal)
              .sort()
          : []
        const target = shapes.filter((s: any) => s.type === 'geo').sort((x: any, y: any) => x.x - y.x)[1]
        return { arrows: shapes.filter((s: any) => s.type === 'arrow').length, bindings, targetX: target ? target.x : null }
      })
    await expect.poll(() => info(pageB), { timeout: 5000 }).toMatchObject({ arrows: 1, bindings: ['end', 'start'] })

    const before = (await info(pageA)).targetX!
    // B drags the right-hand box; the arrow stays bound to it in A.
    await pageB.mouse.click(40, 700)
    await pageB.mouse.move(760, 251)
    await pageB.mouse.down()
    await pageB.mouse.move(790, 400, { steps: 8 })
    await pageB.mouse.up()
    await expect.poll(async () => (await info(pageA)).targetX, { timeout: 5000 }).not.toBe(before)
    expect((await info(pageA)).bindings).toEqual(['end', 'start'])
    await pageA.screenshot({ path: join(ARTIFACTS, 'arrow-bound-a.png') })

    // B's undo takes back B's move, not A's drawing.
    await pageB.keyboard.press('Control+z')
    await expect.poll(async () => (await info(pageA)).targetX, { timeout: 5000 }).toBe(before)
    expect(await info(pageA)).toMatchObject({ arrows: 1, bindings: ['end', 'start'] })
    expect(await rectangles(pageA)).toBe(2)
  })
})
