import type { BrowserContext, Page } from 'playwright-core'

interface Weight {
  requests: number
  /** Bytes on the wire: response headers plus bodies as sent (compressed when the server compressed). */
  transferred: number
  /** Response bodies once decoded: what the page would cost without compression. */
  decoded: number
}

/** What loading a page cost, as Chromium's network stack saw it, and its JavaScript alone. */
export interface PageWeight extends Weight {
  js: Weight & { urls: string[] }
}

/**
 * Loads `url` in a new tab of `ctx` and adds up every response until `ready` resolves and the
 * network is idle, from Chromium's own network events. The live connection (/socket.io/) is left
 * out: it is the board's traffic, not the page's weight, and its polls vary from run to run.
 */
export async function measurePage(ctx: BrowserContext, url: string, ready: (page: Page) => Promise<unknown>): Promise<PageWeight> {
  const page = await ctx.newPage()
  const cdp = await ctx.newCDPSession(page)
  const seen = new Map<string, { path: string; script: boolean; decoded: number }>()
  const weight: PageWeight = { requests: 0, transferred: 0, decoded: 0, js: { requests: 0, transferred: 0, decoded: 0, urls: [] } }
  cdp.on('Network.responseReceived', ({ requestId, type, response }) => {
    const target = new URL(response.url)
    if (!target.protocol.startsWith('http') || target.pathname.startsWith('/socket.io/')) return
    seen.set(requestId, { path: target.pathname, script: type === 'Script', decoded: 0 })
  })
  cdp.on('Network.dataReceived', ({ requestId, dataLength }) => {
    const entry = seen.get(requestId)
    if (entry) entry.decoded += dataLength
  })
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const entry = seen.get(requestId)
    if (!entry) return
    seen.delete(requestId)
    for (const w of entry.script ? [weight, weight.js] : [weight]) {
      w.requests++
      w.transferred += encodedDataLength
      w.decoded += entry.decoded
    }
    if (entry.script) weight.js.urls.push(entry.path)
  })
  await cdp.send('Network.enable')
  await page.goto(url)
  await ready(page)
  await page.waitForLoadState('networkidle')
  // Fonts start loading when text first needs them, which may be after the network went idle once.
  await page.evaluate(() => document.fonts.ready)
  await page.waitForLoadState('networkidle')
  await page.close()
  return weight
}
