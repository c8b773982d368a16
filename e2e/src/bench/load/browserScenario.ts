import type { Page } from 'playwright-core'
import { launchContext } from '../../harness/browser.ts'
import { createBoard } from '../../harness/server.ts'
import { spawnServer, stopServer } from '../../harness/serverProcess.ts'
import { dragStorm, type Latencies, latencies, type StormResult } from './dragStorm.ts'
import { seedBoard } from './seedBoard.ts'

export interface BrowserResult {
  /** Records on the board opened for `interactiveMs`. */
  records: number
  /** From navigation until the editor is up with cards drawn. */
  drawnMs: number
  /** From navigation to a click that selects a card: the board downloaded, folded, drawn and answering. */
  interactiveMs: number
  /** A shape moved by the editor in one Chromium until the other draws it there. */
  dragToRender: Latencies & { sent: number }
  /** Animation frames per second in the dragging page and in the watching one. */
  fps: { dragger: number; watcher: number }
  /** The headless clients dragging meanwhile. */
  others: StormResult
}

const SHAPE = 'shape:benchdrag'

/**
 * Opificio in headless Chromium, on one node: how soon a board of `records` records answers, and
 * a drag in one browser drawn in another while `others` headless clients drag shapes of their own
 * on the same board (cursors at 20 Hz). Both pages are on this machine, so their clocks
 * (performance.timeOrigin + performance.now()) are the same clock.
 */
export async function browserScenario(records: number, others: number, seconds: number): Promise<BrowserResult> {
  const server = await spawnServer({ env: { BOARD_CREATION_BURST: '100000' } })
  const [a, b] = await Promise.all([launchContext(), launchContext()])
  try {
    const big = await createBoard(server.url, 'Grande')
    const seeded = await seedBoard(server.url, big.participant, records)
    const room = await createBoard(server.url, 'Trascina')
    const [dragger, watcher] = await Promise.all(
      [a, b].map(async (ctx, i) => {
        // tsx names functions with a helper the pages do not have; and the person's name is
        // remembered (client/src/user/userStore.ts), so no page stops to ask for it.
        await ctx.addInitScript(
          `window.__name = (f) => f; localStorage.setItem('opificio-user', '{"state":{"name":"Bench ${i}","locale":"it"},"version":0}')`
        )
        return ctx.pages()[0] ?? ctx.newPage()
      })
    )
    const opened = await timeToInteractive(dragger, big.links.participant)
    await Promise.all(
      [dragger, watcher].map(async (page) => {
        await page.goto(room.links.participant)
        await page.waitForFunction(() => Boolean((window as any).opificioEditor), undefined, { timeout: 60_000 })
      })
    )

    await dragger.evaluate((id) => {
      ;(window as any).opificioEditor.createShape({ id, type: 'geo', x: 0, y: 0, props: { w: 120, h: 80 } })
    }, SHAPE)
    await watcher.waitForSelector(`.tl-shape[data-shape-id="${SHAPE}"]`)
    let stopDrag = () => Promise.resolve({ sent: {} as Record<number, number>, frames: 0 })
    let stopWatch = () => Promise.resolve({ seen: {} as Record<number, number>, frames: 0 })
    let window0 = 0
    const storm = dragStorm({
      urls: [server.url],
      board: room.participant,
      clients: others,
      writers: others,
      dragHz: 30,
      cursorHz: 20,
      seconds,
      started: () => {
        window0 = performance.now()
        stopWatch = watch(watcher)
        stopDrag = drag(dragger)
      },
    })
    const stormResult = await storm
    const [{ sent, frames: draggerFrames }, { seen, frames: watcherFrames }] = await Promise.all([stopDrag(), stopWatch()])
    const elapsed = (performance.now() - window0) / 1000
    const lat = Object.entries(sent).flatMap(([x, at]) => (seen[Number(x)] === undefined ? [] : [seen[Number(x)] - at]))
    return {
      records: seeded.records,
      ...opened,
      dragToRender: { ...latencies(lat), sent: Object.keys(sent).length },
      fps: { dragger: draggerFrames / elapsed, watcher: watcherFrames / elapsed },
      others: stormResult,
    }
  } finally {
    await Promise.all([a.close(), b.close()])
    await stopServer(server)
  }
}

/** Navigation until the cards are drawn, and until a click on one selects it. */
async function timeToInteractive(page: Page, link: string): Promise<{ drawnMs: number; interactiveMs: number }> {
  const t0 = Date.now()
  await page.goto(link)
  await page.waitForFunction(
    () => {
      const editor = (window as any).opificioEditor
      return Boolean(editor && document.querySelector('.tl-shape[data-shape-type="element"]'))
    },
    undefined,
    { timeout: 60_000, polling: 'raf' }
  )
  const drawnMs = Date.now() - t0
  // The card drawn nearest the middle of the screen, as a person would pick one: read from the
  // page as drawn, where asking the editor for every shape's bounds took half a second of its own.
  const target = await page.evaluate(() => {
    const editor = (window as any).opificioEditor
    const centre = { x: innerWidth / 2, y: innerHeight / 2 }
    let best: { id: string; x: number; y: number; d: number } | null = null
    for (const el of document.querySelectorAll<HTMLElement>('.tl-shape[data-shape-type="element"]')) {
      const box = el.getBoundingClientRect()
      if (box.width === 0 || box.height === 0) continue
      const p = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
      const d = Math.hypot(p.x - centre.x, p.y - centre.y)
      const id = el.dataset.shapeId!
      if (!best || d < best.d) best = { id, x: p.x, y: p.y, d }
    }
    return best && editor.getShape(best.id) ? best : null
  })
  if (!target) throw new Error('no card on the board')
  await page.mouse.click(target.x, target.y)
  await page.waitForFunction((id) => (window as any).opificioEditor.getSelectedShapeIds().includes(id), target.id, {
    timeout: 10_000,
    polling: 'raf',
  })
  return { drawnMs, interactiveMs: Date.now() - t0 }
}

/** Moves the shape at 30 Hz through the editor, as a drag does; returns a stop that gives each x's send time. */
function drag(page: Page) {
  const started = page.evaluate((id) => {
    const w = window as any
    const editor = w.opificioEditor
    const sent: Record<number, number> = {}
    let frames = 0
    let running = true
    const frame = () => {
      frames++
      if (running) requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
    let x = 0
    const timer = setInterval(() => {
      x += 3
      sent[x] = performance.timeOrigin + performance.now()
      editor.updateShape({ id, type: 'geo', x })
    }, 1000 / 30)
    w.benchStopDrag = () => {
      running = false
      clearInterval(timer)
      return { sent, frames }
    }
  }, SHAPE)
  return async () => {
    await started
    return page.evaluate(() => (window as any).benchStopDrag() as { sent: Record<number, number>; frames: number })
  }
}

/** Watches, frame by frame, where the page draws the shape; returns a stop that gives when each x was first drawn. */
function watch(page: Page) {
  const started = page.evaluate((id) => {
    const w = window as any
    const seen: Record<number, number> = {}
    let frames = 0
    let running = true
    const frame = () => {
      frames++
      // The shape's page transform, matrix(a, b, c, d, x, y): what this frame draws.
      const transform = document.querySelector<HTMLElement>(`.tl-shape[data-shape-id="${id}"]`)?.style.transform ?? ''
      const x = Number(/matrix\(([^)]*)\)/.exec(transform)?.[1].split(',')[4])
      if (Number.isFinite(x) && seen[x] === undefined) seen[x] = performance.timeOrigin + performance.now()
      if (running) requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
    w.benchStopWatch = () => {
      running = false
      return { seen, frames }
    }
  }, SHAPE)
  return async () => {
    await started
    return page.evaluate(() => (window as any).benchStopWatch() as { seen: Record<number, number>; frames: number })
  }
}
