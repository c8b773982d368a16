import { isIP } from 'node:net'

/** Loopback peers are a local reverse proxy (nginx on the same host): their X-Forwarded-For is believed. */
function isLoopback(address: string) {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')
}

/**
 * The address one person's traffic is counted under. Only a proxy on this host is trusted to say
 * who is behind it, and only its last hop: anything earlier in the header was written by the client.
 */
export function clientAddress(remote: string | undefined, forwardedFor: string | string[] | undefined): string {
  const peer = remote ?? 'unknown'
  if (!isLoopback(peer) || forwardedFor === undefined) return peer
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor
  const last = header.split(',').at(-1)?.trim() ?? ''
  return isIP(last) ? last : peer
}
