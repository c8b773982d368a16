import type { Request, Response } from 'express'
import { clientAddress } from './clientAddress.ts'
import { RateLimiter } from './rateLimiter.ts'

export interface RateLimit {
  perSecond: number
  burst: number
}

/**
 * A budget of HTTP requests per key (an address, a board): true while there is some left,
 * otherwise the request is answered 429 with Retry-After, saying what was too much.
 */
export function requestBudget(limit: RateLimit, tooMuch: string) {
  const limiter = new RateLimiter(limit.perSecond, limit.burst)
  return (key: string, res: Response): boolean => {
    if (limiter.take(key)) return true
    const seconds = Math.max(1, limiter.retryAfter(key))
    res.setHeader('Retry-After', String(seconds))
    res.status(429).json({ error: `slow down: ${tooMuch}; retry in ${seconds} s`, code: 'slow-down' })
    return false
  }
}

/**
 * The address a request comes from, as the limits count it: with TRUST_PROXY set, the one Express
 * found behind the trusted proxies; otherwise see clientAddress.
 */
export function addressOf(req: Request): string {
  if (req.app.get('trust proxy') !== false && req.ip) return req.ip
  return clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'])
}
