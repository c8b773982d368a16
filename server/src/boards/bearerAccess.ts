import type { BoardMeta, Role } from '@opificio/shared'
import type { Request, Response } from 'express'
import type { BoardAccess, StorageEngine } from '../storage/types.ts'
import { accessOf, roleOf } from './linkAccess.ts'

/** The token of an `Authorization: Bearer <token>` header. */
export function bearer(req: Request): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_-]{1,128})$/.exec(req.headers.authorization ?? '')
  return match?.[1]
}

export interface Authorized {
  meta: BoardMeta
  access: BoardAccess
  role: Role
}

/**
 * The board and the role the request's bearer token gives there, or an answer already sent:
 * 401 without a token, 404 when it opens nothing (no such board, or not its token: not told apart).
 */
export async function authorizedBoard(storage: StorageEngine, req: Request<{ id: string }>, res: Response): Promise<Authorized | null> {
  const token = bearer(req)
  if (!token) {
    res
      .status(401)
      .setHeader('WWW-Authenticate', 'Bearer')
      .json({ error: 'a board link token is needed: Authorization: Bearer <token>', code: 'unauthorized' })
    return null
  }
  const access = await accessOf(storage, req.params.id)
  const role = access && roleOf(access, token)
  const meta = role && (await storage.getBoard(req.params.id))
  if (!access || !role || !meta) {
    res.status(404).json({ error: 'board not found', code: 'not-found' })
    return null
  }
  return { meta, access, role }
}

/** As authorizedBoard, for what only the facilitator may do: 403 for the other roles' tokens. */
export async function facilitatorOf(storage: StorageEngine, req: Request<{ id: string }>, res: Response, what: string): Promise<Authorized | null> {
  const found = await authorizedBoard(storage, req, res)
  if (found && found.role !== 'facilitator') {
    res.status(403).json({ error: `only a facilitator can ${what}`, code: 'forbidden' })
    return null
  }
  return found
}
