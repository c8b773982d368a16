import express, { type Router } from 'express'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** Serves the built client; every page path gets index.html and the client routes it. */
export function clientAppRouter(distDir: string): Router {
  const router = express.Router()
  const index = join(distDir, 'index.html')
  router.use(express.static(distDir, { index: false, maxAge: '1h', setHeaders: noCacheForHtml }))
  router.get(['/', '/b/{*rest}', '/accessibilita'], (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The client is not built yet: run `npm run build`.')
      return
    }
    res.setHeader('Cache-Control', 'no-cache')
    res.sendFile(index)
  })
  return router
}

function noCacheForHtml(res: express.Response, path: string) {
  if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache')
}
