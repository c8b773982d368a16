import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** A phone as Chromium emulates one: a touch screen, a small viewport, dense pixels. */
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 }

/** A fresh headless Chromium profile (Debian's Chromium: Playwright's own download is not reachable). */
export async function launchContext(
  opts: { viewport?: { width: number; height: number }; isMobile?: boolean; hasTouch?: boolean; deviceScaleFactor?: number } = {}
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'opificio-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    ...opts,
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  })
}

/** Every request a page makes whose host is not the given server's. */
export function recordForeignRequests(page: Page, serverUrl: string): string[] {
  const host = new URL(serverUrl).host
  const foreign: string[] = []
  page.on('request', (req) => {
    const url = new URL(req.url())
    if ((url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:') && url.host !== host) {
      foreign.push(req.url())
    }
  })
  return foreign
}
