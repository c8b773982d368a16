import { mkdtemp } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../app.ts'
import { silentLogger } from '../observability/logger.ts'
import { EmbeddedStorage } from '../storage/embedded/embeddedStorage.ts'
import { socketOriginCheck } from './origins.ts'

let app: App
let url: string

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'opificio-origin-'))
  app = createApp({
    storage: new EmbeddedStorage(dir),
    clientDist: join(dir, 'no-client'),
    publicUrl: 'https://opificio.comune.example/lavagne',
    serverUrls: ['http://10.0.0.6:3000'],
    logger: silentLogger,
  })
  url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`
})
afterAll(() => app.close())

/** Whether a Socket.IO WebSocket opened with these headers connects. */
function connects(transport: 'websocket' | 'polling', extraHeaders: Record<string, string> = {}): Promise<boolean> {
  const socket = io(url, { transports: [transport], extraHeaders, forceNew: true, reconnection: false })
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(true))
    socket.once('connect_error', () => resolve(false))
  }).finally(() => socket.disconnect()) as Promise<boolean>
}

describe('which pages may open a Socket.IO connection', () => {
  it.each(['websocket', 'polling'] as const)('over %s, refuses a page of another site', async (transport) => {
    expect(await connects(transport, { origin: 'http://evil.example' })).toBe(false)
    expect(await connects(transport, { origin: 'null' })).toBe(false)
  })

  it.each(['websocket', 'polling'] as const)('over %s, allows its own pages, the public URL and the sibling nodes', async (transport) => {
    expect(await connects(transport, { origin: url })).toBe(true)
    expect(await connects(transport, { origin: 'https://opificio.comune.example' })).toBe(true)
    expect(await connects(transport, { origin: 'http://10.0.0.6:3000' })).toBe(true)
  })

  it('allows programs, which send no Origin', async () => {
    expect(await connects('websocket')).toBe(true)
  })

  it('behind a proxy that drops the port from Host, compares host names only', () => {
    const check = socketOriginCheck([])
    const verdict = (origin: string, host: string) =>
      new Promise<boolean>((resolve) => check({ headers: { origin, host } } as IncomingMessage, (_err, ok) => resolve(ok)))
    return Promise.all([
      expect(verdict('http://localhost:3000', 'localhost')).resolves.toBe(true),
      expect(verdict('http://localhost:3000', 'localhost:3001')).resolves.toBe(false),
      expect(verdict('http://evil.example', 'localhost')).resolves.toBe(false),
      expect(verdict('http://[::1]:3000', '[::1]:3000')).resolves.toBe(true),
    ])
  })
})
