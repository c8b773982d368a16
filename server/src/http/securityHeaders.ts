import type { RequestHandler } from 'express'
import helmet from 'helmet'
import type { IncomingMessage } from 'node:http'
import { plainHost, webSocketOrigin } from './origins.ts'

/**
 * Socket.IO's WebSocket to the page's own host. CSP 3 lets 'self' cover it, but older Safari
 * (iPads in a workshop room) does not; the host is echoed only when it is a plain host name.
 */
function ownWebSockets(req: IncomingMessage): string {
  const host = plainHost(req)
  return host ? `ws://${host} wss://${host}` : ''
}

/**
 * Helmet's headers, with a Content-Security-Policy as tight as the client allows: only our own
 * scripts, so an injected one cannot run; nothing may frame a board (clickjacking); the page
 * talks only to its own node and, without a load balancer, to the sibling nodes it may move to.
 *
 * Styles need 'unsafe-inline': tldraw renders `<style>` elements (its watermark, SVG export) and
 * so does the Evidenzia view, whose rules change with the board. Injected styles cannot run
 * code; a nonce would need the client to hand one to tldraw. Fetching data: URLs cannot reach
 * anyone, and tldraw fetches one: Vite inlines its (empty) English translation file.
 */
export function securityHeaders(siblingOrigins: readonly string[]): RequestHandler {
  const siblings = siblingOrigins.flatMap((origin) => [origin, webSocketOrigin(origin)])
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'data:', ownWebSockets, ...siblings],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // For browsers without frame-ancestors.
    frameguard: { action: 'deny' },
    // Board links are secrets: a page must never hand its address to another site.
    referrerPolicy: { policy: 'no-referrer' },
  })
}
