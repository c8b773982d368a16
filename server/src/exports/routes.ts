import {
  attachmentHeader,
  boardTables,
  boardToTldr,
  exportFileName,
  parseTldr,
  sessionOf,
  TITLE_MAX,
  normalizeBoardTitle,
  tablesToCsv,
  tablesToJson,
  type ExportLocale,
} from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import express, { type Request, type Response, type Router } from 'express'
import { bearer, facilitatorOf } from '../boards/bearerAccess.ts'
import { createBoard } from '../boards/boardService.ts'
import { roleOf } from '../boards/linkAccess.ts'
import { addressOf, requestBudget } from '../limits/requestBudget.ts'
import type { StorageEngine } from '../storage/types.ts'
import { boardNow, openSnapshot } from '../snapshots/snapshotService.ts'

export interface ExportRouteOptions {
  storage: StorageEngine
  originOf(req: Request): string
  mayCreateBoard(req: Request, res: Response): boolean
}

/** A board's file is at most its document's 64 MiB, with room for the indentation a person's tool may add. */
export const IMPORT_BYTES_MAX = 96 * 1024 * 1024

const FORMATS = {
  csv: { type: 'text/csv; charset=utf-8' },
  json: { type: 'application/json; charset=utf-8' },
  tldr: { type: 'application/json; charset=utf-8' },
} as const
type Format = keyof typeof FORMATS

/**
 * The board, or one of its snapshots, as files for the process documents: CSV and JSON tables
 * (elements, relations, bodies, the pact, vote results) and the board itself as a `.tldr`.
 * The facilitator's alone, like everything that carries the board outside it.
 */
export function exportRoutes(router: Router, { storage }: ExportRouteOptions) {
  // Each export folds and serialises a whole document: a facilitator's clicks, not a loop.
  const exports = requestBudget({ perSecond: 1 / 2, burst: 20 }, 'too many exports from this address')
  router.get('/boards/:id/export.:format', async (req: Request<{ id: string; format: string }>, res) => {
    const format = req.params.format as Format
    if (!Object.hasOwn(FORMATS, format)) {
      res.status(404).json({ error: `no such export: csv, json or tldr`, code: 'not-found' })
      return
    }
    const found = await facilitatorOf(storage, req, res, 'export the board')
    if (!found || !exports(addressOf(req), res)) return
    const snapshotId = typeof req.query.snapshot === 'string' ? req.query.snapshot : null
    const locale: ExportLocale = req.query.lang === 'en' ? 'en' : 'it'
    let records: UnknownRecord[]
    let phase: number | null
    let snapshot: { id: string; title: string } | null = null
    if (snapshotId) {
      const opened = await openSnapshot(storage, found.meta.id, snapshotId)
      if (!opened) {
        res.status(404).json({ error: 'no such snapshot', code: 'not-found' })
        return
      }
      records = opened.records
      phase = opened.listing.phase
      snapshot = { id: opened.listing.id, title: opened.listing.title }
    } else {
      records = [...(await boardNow(storage, found.meta.id)).records.values()]
      phase = sessionOf((id) => records.find((r) => r.id === id)).phase
    }
    const now = new Date()
    let body: string
    // Unindented, as tldraw writes it: a full board's file stays within what an import takes.
    if (format === 'tldr') body = JSON.stringify(boardToTldr(records))
    else if (format === 'csv') body = tablesToCsv(boardTables(records, locale), locale)
    else
      body = JSON.stringify(
        tablesToJson(boardTables(records, locale), { title: found.meta.title, phase, exportedAt: now.toISOString(), snapshot }),
        null,
        2
      )
    const name = exportFileName({ title: found.meta.title, phase, date: now, ext: format, part: snapshot?.title })
    res.setHeader('Content-Type', FORMATS[format].type)
    res.setHeader('Content-Disposition', attachmentHeader(name))
    res.setHeader('Cache-Control', 'no-store')
    res.send(body)
  })
}

/**
 * `POST /api/boards/import`: a `.tldr` file (one a board exported, or tldraw.com saved) becomes a
 * new board. It names no board, so the bearer must be a facilitator's token of any board here:
 * whoever facilitates may bring a board in, and a participant's or a projector's link may not.
 * Registered before the API's small JSON parser: a file is bigger than any other request.
 */
export function importRoute(router: Router, { storage, originOf, mayCreateBoard }: ExportRouteOptions) {
  // A file is read whole and parsed: a few hundred MB of memory for the biggest. One at a time.
  let importing = false
  const facilitatesABoard = async (req: Request, res: Response, next: () => void) => {
    const token = bearer(req)
    if (!token) {
      res
        .status(401)
        .setHeader('WWW-Authenticate', 'Bearer')
        .json({ error: 'a facilitator link token is needed: Authorization: Bearer <token>', code: 'unauthorized' })
      return
    }
    // Before the search through every board's tokens, and before the body is read: a script
    // guessing tokens spends the same budget as one creating boards.
    if (!mayCreateBoard(req, res)) return
    for (const id of await storage.boardIds()) {
      const access = await storage.getAccess(id).catch(() => null)
      if (access && roleOf(access, token) === 'facilitator') return next()
    }
    res.status(403).json({ error: 'only a facilitator can import a board', code: 'forbidden' })
  }

  router.post(
    '/boards/import',
    facilitatesABoard,
    (_req: Request, res: Response, next: () => void) => {
      if (!importing) {
        importing = true
        res.on('close', () => {
          importing = false
        })
        return next()
      }
      res.setHeader('Retry-After', '5')
      res.status(503).json({ error: 'another board is being imported; retry in 5 s', code: 'slow-down' })
    },
    express.text({ type: () => true, limit: IMPORT_BYTES_MAX }),
    async (req: Request, res: Response) => {
      const text = typeof req.body === 'string' ? req.body : ''
      const parsed = parseTldr(text)
      if (!parsed.ok) {
        res.status(400).json({ error: `not a board file: ${parsed.reason}`, code: 'invalid' })
        return
      }
      const title = titleOf(req.query.title, parsed.records)
      res.status(201).json(await createBoard(storage, title, originOf(req), parsed.records))
    }
  )
}

/** The new board's title: asked for, or the file's document name, or its first page's. */
function titleOf(asked: unknown, records: UnknownRecord[]): string {
  const candidates = [
    typeof asked === 'string' ? asked : '',
    (records.find((r) => r.typeName === 'document') as { name?: string } | undefined)?.name ?? '',
    (records.find((r) => r.typeName === 'page') as { name?: string } | undefined)?.name ?? '',
  ]
  for (const c of candidates) {
    try {
      return normalizeBoardTitle([...c].slice(0, TITLE_MAX).join(''))
    } catch {}
  }
  return 'Lavagna importata'
}
