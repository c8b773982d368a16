import {
  snapshotActionBodyValidator,
  takeSnapshotBodyValidator,
  TITLE_MAX,
  validationMessage,
  type OpenedSnapshot,
  type SnapshotInfo,
} from '@opificio/shared'
import type { Request, Response, Router } from 'express'
import { authorizedBoard, facilitatorOf } from '../boards/bearerAccess.ts'
import { createBoard } from '../boards/boardService.ts'
import { addressOf, requestBudget } from '../limits/requestBudget.ts'
import type { StorageEngine } from '../storage/types.ts'
import { listAll, openSnapshot, RestoreRefusedError, restoreSnapshot, takeSnapshot, type SnapshotListing } from './snapshotService.ts'

export interface SnapshotRouteOptions {
  storage: StorageEngine
  originOf(req: Request): string
  /** Taken before a board is made from a snapshot: the same budget as creating one. */
  mayCreateBoard(req: Request, res: Response): boolean
}

/** A board keeps this many facilitators' snapshots at most: each may be its whole document (64 MiB). */
export const MAX_SAVED_SNAPSHOTS = 500
/** Snapshots and restores of one board: a facilitator's few clicks, not a script filling the disk. */
const SNAPSHOTS_PER_BOARD = { perSecond: 1 / 3, burst: 20 }
/** Opening a snapshot folds a whole document: each address gets a steady trickle. */
const OPENS_PER_ADDRESS = { perSecond: 1, burst: 30 }

const info = (s: SnapshotListing): SnapshotInfo => ({ ...s, createdAt: new Date(s.createdAt).toISOString() })

/** A request body through its validator, or a 400 saying what is wrong (and undefined). */
function bodyOf<B>(validator: { validate(v: unknown): B }, req: Request, res: Response): B | undefined {
  try {
    return validator.validate(req.body ?? {})
  } catch (e) {
    res.status(400).json({ error: `invalid request: ${validationMessage(e)}`, code: 'invalid' })
    return undefined
  }
}

/**
 * Phase outputs: a facilitator snapshots the board, restores a snapshot into it, or starts a new
 * board from one; anyone with a link lists and opens them (the projector shows one).
 */
export function snapshotRoutes(router: Router, { storage, originOf, mayCreateBoard }: SnapshotRouteOptions) {
  const writes = requestBudget(SNAPSHOTS_PER_BOARD, 'too many snapshots and restores of this board')
  const opens = requestBudget(OPENS_PER_ADDRESS, 'too many snapshots opened from this address')
  /** Room for one more saved snapshot (a restore saves one too), or a 409 saying the board is full of them. */
  const roomForOne = async (boardId: string, res: Response) => {
    if ((await storage.listSavedSnapshots(boardId)).length < MAX_SAVED_SNAPSHOTS) return true
    res.status(409).json({ error: `this board already keeps ${MAX_SAVED_SNAPSHOTS} snapshots`, code: 'too-many' })
    return false
  }

  router.post('/boards/:id/snapshots', async (req, res) => {
    const found = await facilitatorOf(storage, req, res, 'take a snapshot')
    if (!found) return
    const body = bodyOf(takeSnapshotBodyValidator, req, res)
    if (!body || !writes(found.meta.id, res) || !(await roomForOne(found.meta.id, res))) return
    const meta = await takeSnapshot(storage, found.meta.id, { kind: 'phase', title: body.title, note: body.note, createdBy: body.author })
    res.status(201).json(info(meta))
  })

  router.get('/boards/:id/snapshots', async (req, res) => {
    const found = await authorizedBoard(storage, req, res)
    if (!found || !opens(addressOf(req), res)) return
    res.json((await listAll(storage, found.meta.id)).map(info))
  })

  router.get('/boards/:id/snapshots/:snapshotId', async (req: Request<{ id: string; snapshotId: string }>, res) => {
    const found = await authorizedBoard(storage, req, res)
    if (!found || !opens(addressOf(req), res)) return
    const opened = await openSnapshot(storage, found.meta.id, req.params.snapshotId)
    if (!opened) {
      res.status(404).json({ error: 'no such snapshot', code: 'not-found' })
      return
    }
    const body: OpenedSnapshot = { ...info(opened.listing), records: opened.records }
    res.json(body)
  })

  router.post('/boards/:id/snapshots/:snapshotId/restore', async (req: Request<{ id: string; snapshotId: string }>, res) => {
    const found = await facilitatorOf(storage, req, res, 'restore a snapshot')
    if (!found) return
    const body = bodyOf(snapshotActionBodyValidator, req, res)
    if (!body || !writes(found.meta.id, res) || !(await roomForOne(found.meta.id, res))) return
    let done: Awaited<ReturnType<typeof restoreSnapshot>>
    try {
      done = await restoreSnapshot(storage, found.meta.id, req.params.snapshotId, body.author)
    } catch (e) {
      if (!(e instanceof RestoreRefusedError)) throw e
      res.status(409).json({ error: `the board cannot take this snapshot back: ${e.refusal.detail}`, code: 'refused', refusal: e.refusal })
      return
    }
    if (!done) {
      res.status(404).json({ error: 'no such snapshot', code: 'not-found' })
      return
    }
    res.json({ restored: info(done.restored), backup: info(done.backup), changed: done.offset !== null })
  })

  router.post('/boards/:id/snapshots/:snapshotId/board', async (req: Request<{ id: string; snapshotId: string }>, res) => {
    const found = await facilitatorOf(storage, req, res, 'start a board from a snapshot')
    if (!found) return
    const body = bodyOf(snapshotActionBodyValidator, req, res)
    if (!body) return
    const opened = await openSnapshot(storage, found.meta.id, req.params.snapshotId)
    if (!opened) {
      res.status(404).json({ error: 'no such snapshot', code: 'not-found' })
      return
    }
    if (!mayCreateBoard(req, res)) return
    const title =
      body.title ?? `${found.meta.title} · ${opened.listing.title || new Date(opened.listing.createdAt).toISOString().slice(0, 16).replace('T', ' ')}`
    res.status(201).json(await createBoard(storage, [...title].slice(0, TITLE_MAX).join(''), originOf(req), opened.records))
  })
}
