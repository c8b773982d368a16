import type { RequestHandler } from 'express'
import { randomUUID } from 'node:crypto'
import type { Logger } from './logger.ts'

/** Probes answer every few seconds: their lines would bury the rest. Readiness logs its own changes. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics'])

/** An id a proxy gave the request (nginx's $request_id): kept when it is short and plain, so it is safe in a header and a log. */
const PLAIN_ID = /^[\w.:-]{1,128}$/

/** The request's id: the one a proxy sent in X-Request-Id, or a new one. Sent back in the response. */
export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header
  return given !== undefined && PLAIN_ID.test(given) ? given : randomUUID()
}

/**
 * One line per HTTP request once it is answered: method, path, status, milliseconds, request id
 * and the client's address (the real one behind a trusted proxy, see TRUST_PROXY). The logger
 * turns board ids in the path into their tags; the query string is left out, whatever it holds.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now()
    const id = requestIdOf(req.headers['x-request-id'])
    res.setHeader('X-Request-Id', id)
    const path = req.originalUrl.split('?')[0]
    if (!PROBES.has(path)) {
      res.once('close', () => {
        const fields = {
          method: req.method,
          path,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
          request: id,
          address: req.ip,
          ...(res.writableFinished ? {} : { aborted: true }),
        }
        const line = `${req.method} ${path} ${res.statusCode}`
        if (res.statusCode >= 500) logger.warn(line, fields)
        else logger.info(line, fields)
      })
    }
    next()
  }
}
