import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMPRESSIBLE } from '../../../scripts/precompress.ts'
import { launchContext } from '../harness/browser.ts'
import { measurePage, type PageWeight } from '../harness/pageWeight.ts'
import { createBoard, repoRoot, startServer, type TestBoard } from '../harness/server.ts'

/**
 * The most JavaScript the home page may fetch, compressed as a browser receives it (headers
 * included). It was 2.27 MB before the board was split off; today it is about 96 kB (React, the
 * translation table and the home page's own code); the board's chunk alone is four times this.
 */
const HOME_JS_BUDGET = 120_000

const assets = join(repoRoot, 'client/dist/assets')
let server: Awaited<ReturnType<typeof startServer>>
let board: TestBoard

beforeAll(async () => {
  server = await startServer()
  board = await createBoard(server.url, 'Peso della pagina')
})
afterAll(() => server?.close())

/** Loads a page in a browser of its own, so nothing comes from another page's cache. */
async function weigh(url: string, ready: (page: Page) => Promise<unknown>): Promise<PageWeight> {
  const ctx = await launchContext()
  try {
    return await measurePage(ctx, url, ready)
  } finally {
    await ctx.close()
  }
}

async function openBoard(page: Page) {
  await page.waitForSelector('#user-name, .tl-canvas')
  if (await page.locator('#user-name').count()) {
    await page.fill('#user-name', 'Peso')
    await page.click('button[type=submit]')
  }
  await page.waitForFunction(() => Boolean((window as any).opificioEditor))
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`
const describeWeight = (name: string, w: PageWeight) =>
  `${name}: ${w.requests} requests, ${kB(w.transferred)} transferred (${kB(w.decoded)} decoded); ` +
  `JavaScript ${w.js.requests} files, ${kB(w.js.transferred)} transferred (${kB(w.js.decoded)} decoded)`

describe('the build', () => {
  it('has a brotli and a gzip copy of every compressible asset, each decoding to the file itself', async () => {
    const files = (await readdir(assets)).filter((f) => COMPRESSIBLE.test(f))
    const big = (await Promise.all(files.map(async (f) => ((await stat(join(assets, f))).size >= 1024 ? f : null)))).filter((f) => f !== null)
    expect(big.some((f) => f.endsWith('.js'))).toBe(true)
    for (const file of big) {
      const body = await readFile(join(assets, file))
      expect(brotliDecompressSync(await readFile(join(assets, `${file}.br`))).equals(body), `${file}.br`).toBe(true)
      expect(gunzipSync(await readFile(join(assets, `${file}.gz`))).equals(body), `${file}.gz`).toBe(true)
    }
  })
})

describe('what a browser downloads', () => {
  it('gets the board page JavaScript brotli-compressed and cacheable for a year', async () => {
    const ctx = await launchContext()
    try {
      const page = await ctx.newPage()
      const scripts: { url: string; headers: Record<string, string> }[] = []
      let html: Record<string, string> | null = null
      page.on('response', (res) => {
        if (res.request().resourceType() === 'script') scripts.push({ url: res.url(), headers: res.headers() })
        if (res.request().resourceType() === 'document') html = res.headers()
      })
      await page.goto(board.links.facilitator)
      await openBoard(page)
      expect(scripts.length).toBeGreaterThan(1)
      for (const { url, headers } of scripts) {
        expect(new URL(url).pathname, url).toMatch(/^\/assets\//)
        expect(headers['content-encoding'], url).toBe('br')
        expect(headers['content-type'], url).toMatch(/^text\/javascript/)
        expect(headers['cache-control'], url).toBe('public, max-age=31536000, immutable')
        expect(headers.vary, url).toMatch(/accept-encoding/i)
      }
      // The page itself is never cached without asking, so a new build reaches everyone at once.
      expect(html!['cache-control']).toBe('no-cache')
    } finally {
      await ctx.close()
    }
  })

  it(`keeps the home page's JavaScript under ${kB(HOME_JS_BUDGET)} compressed, without the board's`, async () => {
    const home = await weigh(`${server.url}/`, (page) => page.waitForSelector('#board-title'))
    const boardPage = await weigh(board.links.facilitator, openBoard)
    console.log(`${describeWeight('home page', home)}\n${describeWeight('board page', boardPage)}`)
    const boardOnly = boardPage.js.urls.filter((u) => !home.js.urls.includes(u))
    expect(boardOnly.length).toBeGreaterThan(0)
    // A board's link has its chunk fetched with the page, not once the entry has run.
    const html = await (await fetch(board.links.facilitator)).text()
    const preloaded = [...html.matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)"/g)].map((m) => m[1])
    expect(boardOnly.filter((u) => preloaded.includes(u))).toHaveLength(1)
    expect(home.js.transferred).toBeLessThan(HOME_JS_BUDGET)
    // Compressed on the wire: what a browser fetches is a fraction of what it runs.
    expect(boardPage.js.transferred).toBeLessThan(boardPage.js.decoded / 3)
  })
})
