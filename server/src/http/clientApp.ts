import express, { type Request, type Response, type Router } from 'express'
import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { extname, join } from 'node:path'

/** The build's hashed files: a new build gives a changed file a new name, so a copy never goes stale. */
const HASHED_ASSET = /^\/assets\/[A-Za-z0-9_-][A-Za-z0-9_.-]*$/
const IMMUTABLE = 'public, max-age=31536000, immutable'

/** The encodings the build writes beside a file (see scripts/precompress.ts), best first. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const

/**
 * Serves the built client; every page path gets index.html and the client routes it. Hashed
 * assets are cached for a year and sent compressed as the build wrote them, in the best encoding
 * the browser accepts; everything else is revalidated on every use.
 */
export function clientAppRouter(distDir: string): Router {
  const router = express.Router()
  const index = join(distDir, 'index.html')
  // The same page, fetching the board's code with it (scripts/preloadRoute.ts); a build without it still serves.
  const boardPage = join(distDir, 'board.html')
  router.get('/assets/{*file}', (req, res, next) => {
    if (!HASHED_ASSET.test(req.path)) return next()
    sendAsset(distDir, req, res).then((sent) => (sent ? undefined : next()), next)
  })
  router.use(express.static(distDir, { index: false, cacheControl: false, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') }))
  router.get(['/', '/b/{*rest}', '/accessibilita'], (req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The client is not built yet: run `npm run build`.')
      return
    }
    res.setHeader('Cache-Control', 'no-cache')
    res.sendFile(req.path.startsWith('/b/') && existsSync(boardPage) ? boardPage : index)
  })
  return router
}

/** Sends a hashed asset, precompressed when the browser takes it; false when there is no such file. */
async function sendAsset(distDir: string, req: Request, res: Response): Promise<boolean> {
  const file = join(distDir, req.path)
  const [plain, ...variants] = await Promise.all([isFile(file), ...ENCODINGS.map((e) => isFile(file + e.suffix))])
  if (!plain) return false
  const available = ENCODINGS.filter((_, i) => variants[i])
  const encoding = chooseEncoding(req.headers['accept-encoding'], available)
  if (available.length) res.vary('Accept-Encoding')
  if (encoding) res.setHeader('Content-Encoding', encoding.name)
  // The type is the asset's own, whichever copy of it goes out.
  res.type(extname(file))
  await new Promise<void>((resolve, reject) =>
    res.sendFile(encoding ? file + encoding.suffix : file, { cacheControl: false, headers: { 'Cache-Control': IMMUTABLE } }, (err) =>
      // A browser that goes away mid-file is no error of ours (Express's own sendFile ignores it too).
      err && !res.headersSent && !gone(err) ? reject(err) : resolve()
    )
  )
  return true
}

const gone = (err: Error & { code?: string; syscall?: string }) => err.code === 'ECONNABORTED' || err.syscall === 'write'

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/**
 * The best of `available` (listed best first) that an Accept-Encoding header takes, or undefined
 * for the file as it is. Quality values rule; among equals our order does, not the browser's
 * (Chromium lists gzip before br). No header means identity only; identity unnamed ranks with
 * the least of what is named, as the negotiator Express uses ranks it.
 */
export function chooseEncoding<E extends { name: string }>(header: string | undefined, available: readonly E[]): E | undefined {
  const q = new Map<string, number>()
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (!name) continue
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const value = qParam ? Number(qParam.slice(2)) : 1
    q.set(name, Number.isFinite(value) ? value : 0)
  }
  const identity = q.get('identity') ?? q.get('*') ?? Math.min(1, ...q.values())
  const qualityOf = (name: string) => q.get(name) ?? q.get('*') ?? 0
  let best: E | undefined
  for (const e of available) if (qualityOf(e.name) > (best ? qualityOf(best.name) : 0)) best = e
  return best && qualityOf(best.name) >= identity ? best : undefined
}
