import type { IncomingMessage } from 'node:http'
import type { ServerOptions } from 'socket.io'

/** The origin (scheme, host, port) of a configured URL; throws naming the setting when it is no URL. */
export function originOf(url: string, setting: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(`${setting}: ${JSON.stringify(url)} is not a URL`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${setting}: ${url} is not an http(s) URL`)
  return parsed.origin
}

/** The WebSocket origin a page served from `origin` talks Socket.IO to. */
export function webSocketOrigin(origin: string): string {
  return origin.replace(/^http/, 'ws')
}

/** A Host header that is only a host name or address and an optional port, so it is safe to echo. */
const PLAIN_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i

export function plainHost(req: IncomingMessage): string | null {
  const host = req.headers.host
  return host !== undefined && PLAIN_HOST.test(host) ? host.toLowerCase() : null
}

/**
 * Whether a page at `origin` is served by this host. A proxy may pass the Host header without
 * its port (nginx's `$host`); then the host names must agree, otherwise host and port.
 */
function isOwnHost(origin: URL, host: string): boolean {
  return /:\d+$/.test(host) ? origin.host === host : origin.hostname === host
}

/**
 * Socket.IO's gate against cross-site WebSocket hijacking: a browser always says which page
 * opens a WebSocket, and only our own pages (this host, the public URL, the sibling nodes) may.
 * Requests with no Origin come from programs, not from a page someone was lured to, and pass.
 */
export function socketOriginCheck(trustedOrigins: readonly string[]): NonNullable<ServerOptions['allowRequest']> {
  const trusted = new Set(trustedOrigins)
  return (req, callback) => {
    const origin = req.headers.origin
    if (origin === undefined || trusted.has(origin)) return callback(null, true)
    const host = plainHost(req)
    let url: URL | null = null
    try {
      url = new URL(origin)
    } catch {
      // "null" (sandboxed frames, files) and garbage: no page of ours.
    }
    const allowed = url !== null && host !== null && isOwnHost(url, host)
    callback(allowed ? null : 'this page may not connect to this board server', allowed)
  }
}
