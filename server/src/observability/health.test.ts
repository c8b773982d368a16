import { afterEach, describe, expect, it } from 'vitest'
import { createApp, type App, type AppOptions } from '../app.ts'
import { MemoryStorage } from '../storage/memory/memoryStorage.ts'
import { boardTag } from '../storage/boardTag.ts'
import { memoryLogger } from './logger.ts'

const apps: App[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close()
})

async function start(opts: Partial<AppOptions> = {}) {
  const logger = memoryLogger()
  const app = createApp({ storage: new MemoryStorage(), clientDist: '/nonexistent/opificio-client-dist', logger, ...opts })
  apps.push(app)
  const base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`
  return { app, base, logger }
}

describe('health, readiness and request logs', () => {
  it('is ready while its checks pass, and says which failed and why (503) when one does', async () => {
    let redisUp = true
    const { base, logger } = await start({
      readiness: [{ name: 'redis', check: async () => (redisUp ? undefined : Promise.reject(new Error('connect ECONNREFUSED'))) }],
    })
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ ready: true })
    redisUp = false
    const down = await fetch(`${base}/readyz`)
    expect(down.status).toBe(503)
    expect(await down.json()).toEqual({ ready: false, reason: 'redis: connect ECONNREFUSED' })
    redisUp = true
    expect((await fetch(`${base}/readyz`)).status).toBe(200)
    expect(logger.lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'not ready'],
      ['info', 'ready again'],
    ])
    // Alive all along: liveness is not readiness.
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
  })

  it('is not ready once it drains, and accepts no new connection', async () => {
    const { app, base } = await start()
    const keepAlive = await fetch(`${base}/readyz`)
    expect(keepAlive.status).toBe(200)
    app.drain()
    expect(app.http.listening).toBe(false)
    await expect(fetch(`${base}/readyz`, { headers: { connection: 'close' } }).then((r) => r.status)).rejects.toThrow()
  })

  it('logs each request once answered, with a request id it honours or makes, and no board id in the path', async () => {
    const board = 'dbZpbzd5sTw829iNvZqWsQ'
    const { base, logger } = await start()
    const given = await fetch(`${base}/api/boards/${board}?lang=en`, { headers: { 'X-Request-Id': 'nginx-42' } })
    expect(given.headers.get('x-request-id')).toBe('nginx-42')
    const made = await fetch(`${base}/api/config`, { headers: { 'X-Request-Id': 'not\tplain' } })
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    await fetch(`${base}/healthz`)
    await new Promise((r) => setTimeout(r, 50))
    expect(logger.lines.map((l) => l.extra)).toEqual([
      {
        method: 'GET',
        path: `/api/boards/${board}`,
        status: 401,
        ms: expect.any(Number),
        request: 'nginx-42',
        address: '127.0.0.1',
      },
      { method: 'GET', path: '/api/config', status: 200, ms: expect.any(Number), request: made.headers.get('x-request-id'), address: '127.0.0.1' },
    ])
    // The logger turns the id into its tag (logger.test.ts); the query string never reaches it.
    expect(JSON.stringify(logger.lines)).not.toContain('lang=en')
    expect(boardTag(board)).toHaveLength(8)
  })

  it('takes the client address from X-Forwarded-For only from a trusted proxy (TRUST_PROXY)', async () => {
    const forwarded = { 'X-Forwarded-For': '203.0.113.7' }
    const trusting = await start({ trustProxy: ['loopback'] })
    await fetch(`${trusting.base}/api/config`, { headers: forwarded })
    const untrusting = await start()
    await fetch(`${untrusting.base}/api/config`, { headers: forwarded })
    await new Promise((r) => setTimeout(r, 50))
    expect((trusting.logger.lines[0].extra as { address: string }).address).toBe('203.0.113.7')
    expect((untrusting.logger.lines[0].extra as { address: string }).address).toBe('127.0.0.1')
  })

  it('serves Prometheus text on /metrics', async () => {
    const { base } = await start()
    const res = await fetch(`${base}/metrics`)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    for (const name of [
      'opificio_connections',
      'opificio_boards_open',
      'opificio_pushes_total',
      'opificio_ack_latency_seconds',
      'opificio_flush_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `)
    }
  })
})
