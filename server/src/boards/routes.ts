import { createBoardBodyValidator, ROLES, validationMessage, type BoardView, type Role } from '@opificio/shared'
import express, { type ErrorRequestHandler, type Request, type Router } from 'express'
import type { RoomManager } from '../sync/rooms/roomManager.ts'
import { createBoard, linksOf, newLinkToken } from './boardService.ts'
import { authorizedBoard, facilitatorOf } from './bearerAccess.ts'
import { exportRoutes, importRoute } from '../exports/routes.ts'
import { snapshotRoutes } from '../snapshots/routes.ts'
import { addressOf, requestBudget, type RateLimit } from '../limits/requestBudget.ts'
import type { StorageEngine } from '../storage/types.ts'
import type { Logger } from '../observability/logger.ts'
import { loggable } from '../observability/logRedaction.ts'

/** A workshop's facilitators create a handful of boards; a script filling the disk creates hundreds. */
export const BOARD_CREATION_LIMIT: RateLimit = { perSecond: 1 / 10, burst: 20 }

export interface ApiOptions {
  storage: StorageEngine
  /** To end the sessions of a replaced link. */
  rooms: RoomManager
  /** The origin people open (PUBLIC_URL): links are built on it, never on a request's Host. */
  publicOrigin: string | null
  tldrawLicenseKey: string | null
  serverUrls: string[] | null
  boardCreationLimit: RateLimit
  logger: Logger
}

/** The links each role may see and pass on: a projector shows the participants' link as a QR code. */
const VISIBLE_LINKS: Record<Role, readonly Role[]> = {
  facilitator: ROLES,
  participant: ['participant'],
  projector: ['participant', 'projector'],
}

export function apiRouter({ storage, rooms, publicOrigin, tldrawLicenseKey, serverUrls, boardCreationLimit, logger }: ApiOptions): Router {
  const router = express.Router()
  const creations = requestBudget(boardCreationLimit, 'too many boards created from this address')
  importRoute(router, { storage, originOf: (req) => originOf(req), mayCreateBoard: (req, res) => mayCreateBoard(req, res) })
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
    if (!mayCreateBoard(req, res)) return
    res.status(201).json(await createBoard(storage, body.title, originOf(req)))
  })

  /** Takes one board from the address's budget, or answers 429 and says when to retry. */
  function mayCreateBoard(req: Request, res: express.Response): boolean {
    return creations(addressOf(req), res)
  }

  // Without PUBLIC_URL, links point where this request came in: right on a laptop or a LAN.
  const originOf = (req: Request) => publicOrigin ?? `${req.protocol}://${req.get('host')}`

  router.get('/boards/:id', async (req, res) => {
    const found = await authorizedBoard(storage, req, res)
    if (!found) return
    const { meta, access, role } = found
    const view: BoardView = { ...meta, role, links: linksOf(originOf(req), meta.id, access, VISIBLE_LINKS[role]) }
    res.json(view)
  })

  router.post('/boards/:id/links/:role/rotate', async (req, res) => {
    const found = await facilitatorOf(storage, req, res, 'replace a link')
    if (!found) return
    const role = req.params.role as Role
    if (!ROLES.includes(role)) {
      res.status(400).json({ error: `no such link: ${ROLES.join(', ')}` })
      return
    }
    const access = { ...found.access, [role]: newLinkToken() }
    await storage.setAccess(found.meta.id, access)
    rooms.revoke(found.meta.id, role)
    res.json({ role, link: linksOf(originOf(req), found.meta.id, access, [role])[role] })
  })

  snapshotRoutes(router, { storage, originOf, mayCreateBoard })
  exportRoutes(router, { storage, originOf, mayCreateBoard })

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
