import { createBoardBodyValidator, participantPath, validationMessage } from '@opificio/shared'
import express, { type ErrorRequestHandler, type Router } from 'express'
import { createBoard } from '../boards/boardService.ts'
import type { StorageEngine } from '../storage/types.ts'

export interface ApiOptions {
  storage: StorageEngine
  tldrawLicenseKey: string | null
  serverUrls: string[] | null
}

export function apiRouter({ storage, tldrawLicenseKey, serverUrls }: ApiOptions): Router {
  const router = express.Router()
  router.use(express.json({ limit: '64kb' }))

  router.get('/config', (_req, res) => {
    res.json({ tldrawLicenseKey, serverUrls })
  })

  router.post('/boards', async (req, res) => {
    let body: { title: string }
    try {
      body = createBoardBodyValidator.validate(req.body)
    } catch (e) {
      res.status(400).json({ error: `invalid board: ${validationMessage(e)}` })
      return
    }
    res.status(201).json(await createBoard(storage, body.title))
  })

  router.get('/boards/:id', async (req, res) => {
    const meta = await storage.getBoard(req.params.id)
    if (!meta) {
      res.status(404).json({ error: 'board not found' })
      return
    }
    res.json({ ...meta, links: { participant: participantPath(meta.id) } })
  })

  router.use((_req, res) => {
    res.status(404).json({ error: 'no such API route' })
  })

  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500
    if (status === 500) console.error('API error', err)
    res.status(status).json({ error: status === 500 ? 'internal error' : `bad request: ${err.message}` })
  }
  router.use(onError)
  return router
}
