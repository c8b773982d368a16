import { join } from 'node:path'
import type { Dialog, Page } from 'playwright-core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { EmbeddedStorage } from '@opificio/server/testing'
import { ARTIFACTS, drawRectangle, joinBoard, rectangles, useTwoBrowsers, waitForRectangles, type TwoBrowsers } from '../harness/boardPage.ts'
import { createBoard, startServer } from '../harness/server.ts'

const SOCKET = '**/socket.io/**'

/**
 * The page can still load from the server but never reach it over Socket.IO: the state of a
 * page whose connection is down. Its open connection is ended by restarting the server.
 */
async function cutOff(page: Page, env: TwoBrowsers) {
  await page.route(SOCKET, (route) => route.abort())
  const { dataDir, port } = env.server
  await env.server.close({ keepData: true })
  env.server = await startServer({ dataDir, port })
  await page.waitForSelector('[data-connection="offline"]', { timeout: 10_000 })
}

/** Accepts the page's dialogs until the test ends; returns their types, in order. */
function acceptDialogs(page: Page): string[] {
  const seen: string[] = []
  const accept = (dialog: Dialog) => {
    seen.push(dialog.type())
    void dialog.accept()
  }
  page.on('dialog', accept)
  onTestFinished(() => void page.off('dialog', accept))
  return seen
}

/**
 * The unconfirmed-edit records this page's origin keeps in IndexedDB for one board. The browser
 * is shared by the tests of this file: another board's record, still being cleared by a page of an
 * earlier test, is not this test's business.
 */
const keptRecords = (page: Page, boardId: string) =>
  page.evaluate(
    (boardId) =>
      new Promise<{ clientId: string; pending: unknown[]; unsent: unknown }[]>((resolve, reject) => {
        const open = indexedDB.open('opificio')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const get = open.result.transaction('unconfirmed-edits').objectStore('unconfirmed-edits').getAll()
          get.onsuccess = () => resolve(get.result.filter((r: { boardId: string }) => r.boardId === boardId))
          get.onerror = () => reject(get.error)
        }
      }),
    boardId
  )

/** How many entries of the board's log put a rectangle: read from storage, with the server stopped. */
async function rectanglesInLog(env: TwoBrowsers, boardId: string) {
  const { dataDir, port } = env.server
  await env.server.close({ keepData: true })
  const storage = new EmbeddedStorage(dataDir)
  try {
    const { entries } = await storage.load(boardId)
    return entries.filter((e) => Object.values(e.diff).some((op) => op[0] === 'put' && (op[1] as { type?: string }).type === 'geo')).length
  } finally {
    await storage.close()
    env.server = await startServer({ dataDir, port })
  }
}

describe('edits not yet sent, in a real browser', () => {
  const env = useTwoBrowsers()

  it('asks before a reload, keeps the edit through it, and sends it exactly once when the server is reachable', async () => {
    const board = await createBoard(env.server.url, 'Tavolo offline')
    const boardId = board.id
    const link = board.links.participant
    const { page: pageA, errors } = await joinBoard(env.a, link, 'Giulia')
    const { page: pageB } = await joinBoard(env.b, link, 'Marco')
    const dialogs = acceptDialogs(pageA)

    await cutOff(pageA, env)
    await drawRectangle(pageA, 400, 300)
    await expect.poll(() => pageA.locator('[data-connection="offline"]').textContent()).toMatch(/1 modifica in attesa/)
    await expect.poll(() => keptRecords(pageA, boardId)).toHaveLength(1)
    const [before] = await keptRecords(pageA, boardId)

    await pageA.reload()
    expect(dialogs).toEqual(['beforeunload'])
    // The reloaded page cannot reach the server yet: what it holds came from IndexedDB.
    await pageA.waitForSelector('.op-board__loading')
    const kept = await keptRecords(pageA, boardId)
    // Still the one record the page before kept, under its key.
    expect(kept.map((r) => r.clientId)).toEqual([before.clientId])
    expect(kept[0].pending.length + (kept[0].unsent ? 1 : 0)).toBe(1)
    // Past the link's check (the server answers HTTP), waiting for the board it cannot reach.
    await expect.poll(() => pageA.locator('.op-board__loading').first().textContent()).toMatch(/Caricamento/)

    await pageA.unroute(SOCKET)
    await waitForRectangles(pageB, 1, 15_000)
    await waitForRectangles(pageA, 1, 5000)
    await pageA.waitForSelector('.op-notice >> text=Ripristinata 1 modifica non ancora inviata')
    await pageA.screenshot({ path: join(ARTIFACTS, 'offline-reload.png') })
    // Confirmed, so nothing is kept any more.
    await expect.poll(() => keptRecords(pageA, boardId), { timeout: 5000 }).toEqual([])

    expect(await rectanglesInLog(env, boardId)).toBe(1)
    await waitForRectangles(pageB, 1, 15_000)
    expect(errors).toEqual([])
  })

  it('restores an edit of a closed tab when the board opens again in that browser, and sends it', async () => {
    const board = await createBoard(env.server.url, 'Tavolo chiuso')
    const boardId = board.id
    const link = board.links.participant
    const { page: pageA } = await joinBoard(env.a, link, 'Giulia')
    const { page: pageB } = await joinBoard(env.b, link, 'Marco')
    const dialogs = acceptDialogs(pageA)

    await cutOff(pageA, env)
    await drawRectangle(pageA, 500, 350)
    await expect.poll(() => keptRecords(pageA, boardId)).toHaveLength(1)
    const closed = new Promise((resolve) => pageA.once('close', resolve))
    await pageA.close({ runBeforeUnload: true })
    await closed
    expect(dialogs).toEqual(['beforeunload'])

    const { page: reopened } = await joinBoard(env.a, link, 'Giulia')
    await waitForRectangles(reopened, 1, 5000)
    await waitForRectangles(pageB, 1, 15_000)
    await reopened.waitForSelector('.op-notice >> text=Ripristinata 1 modifica non ancora inviata')
    await expect.poll(() => keptRecords(reopened, boardId), { timeout: 5000 }).toEqual([])
    expect(await rectanglesInLog(env, boardId)).toBe(1)
  })

  it('never lets a second open tab take over the edits another tab has not sent', async () => {
    const board = await createBoard(env.server.url, 'Due schede')
    const boardId = board.id
    const link = board.links.participant
    const { page: pageA } = await joinBoard(env.a, link, 'Giulia')
    const { page: pageB } = await joinBoard(env.b, link, 'Marco')
    await cutOff(pageA, env)
    await drawRectangle(pageA, 450, 300)
    await expect.poll(() => keptRecords(pageA, boardId)).toHaveLength(1)

    // A second tab of the same browser opens the board and reaches the server.
    const second = await env.a.newPage()
    await second.goto(link)
    await second.waitForFunction(() => Boolean((window as any).opificioEditor), undefined, { timeout: 30_000 })
    await second.waitForTimeout(1000)
    expect(await rectangles(pageB)).toBe(0)
    expect(await rectangles(second)).toBe(0)

    // The edit goes when its own tab is back, once.
    await pageA.unroute(SOCKET)
    await waitForRectangles(pageB, 1, 15_000)
    await waitForRectangles(second, 1, 5000)
    await second.close()
    // Sent and acknowledged: nothing of it is kept any longer, by either tab.
    await expect.poll(() => keptRecords(pageA, boardId), { timeout: 5000 }).toEqual([])
    expect(await rectanglesInLog(env, boardId)).toBe(1)
  })

  // Last: it takes Web Locks away from this browser for the rest of the file.
  it('keeps an edit through a reload where Web Locks are missing (plain HTTP on a local network)', async () => {
    await env.a.addInitScript(() => delete (Navigator.prototype as { locks?: unknown }).locks)
    const board = await createBoard(env.server.url, 'Tavolo in HTTP')
    const boardId = board.id
    const link = board.links.participant
    const { page: pageA } = await joinBoard(env.a, link, 'Giulia')
    const { page: pageB } = await joinBoard(env.b, link, 'Marco')
    expect(await pageA.evaluate(() => 'locks' in navigator)).toBe(false)
    const dialogs = acceptDialogs(pageA)

    await cutOff(pageA, env)
    await drawRectangle(pageA, 420, 320)
    await expect.poll(() => keptRecords(pageA, boardId)).toHaveLength(1)
    await pageA.reload()
    expect(dialogs).toEqual(['beforeunload'])
    await pageA.unroute(SOCKET)
    await waitForRectangles(pageB, 1, 15_000)
    await pageA.waitForSelector('.op-notice >> text=Ripristinata 1 modifica non ancora inviata')
    await expect.poll(() => keptRecords(pageA, boardId), { timeout: 5000 }).toEqual([])
    expect(await rectanglesInLog(env, boardId)).toBe(1)
  })
})
