import { createBoardBodyValidator, participantPath, validationMessage } from '@opificio/shared'
import express, { type ErrorRequestHandler, type Router } from 'express'
import { createBoard } from './boardService.ts'
import { clientAddress } from '../limits/clientAddress.ts'
import { RateLimiter } from '../limits/rateLimiter.ts'
import type { StorageEngine } from '../storage/types.ts'
import type { Logger } from '../observability/logger.ts'
import { loggable } from '../observability/logRedaction.ts'

export interface RateLimit {
  perSecond: number
  burst: number
}

/** A workshop's facilitators create a handful of boards; a script filling the disk creates hundreds. */
export const BOARD_CREATION_LIMIT: RateLimit = { perSecond: 1 / 10, burst: 20 }

export interface ApiOptions {
  storage: StorageEngine
  tldrawLicenseKey: string | null
  serverUrls: string[] | null
  boardCreationLimit: RateLimit
  logger: Logger
}

export function apiRouter({ storage, tldrawLicenseKey, serverUrls, boardCreationLimit, logger }: ApiOptions): Router {
  const router = express.Router()
  const creations = new RateLimiter(boardCreationLimit.perSecond, boardCreationLimit.burst)
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
    // Only boards actually created count: a person fixing a typo in a refused title is not slowed.
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'])
    if (!creations.take(address)) {
      const seconds = Math.max(1, creations.retryAfter(address))
      res.setHeader('Retry-After', String(seconds))
      res.status(429).json({ error: `slow down: too many boards created from this address; retry in ${seconds} s` })
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

  // Client errors (a body that is not JSON, or too large) say what was wrong; anything else is
  // ours, logged without board ids and answered with nothing about the machine or the storage.
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    if (err?.expose === true && typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      res.status(err.status).json({ error: `bad request: ${err.message}` })
      return
    }
    logger.error(`API error on ${req.method} ${req.baseUrl}${req.route?.path ?? ''}`, loggable(err))
    res.status(500).json({ error: 'internal error' })
  }
  router.use(onError)
  return router
}
