import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { geoShape } from '@opificio/shared/testing'
import { startTestRedis, type TestRedis } from '@opificio/server/testing'
import { headlessClient, type HeadlessClient } from '../harness/headlessClient.ts'
import { createBoard, until } from '../harness/server.ts'
import { PRODUCTION, spawnServer, stopServer, type ServerProcess } from '../harness/serverProcess.ts'
import { buildServerBundle, cleanEnv, parsePrometheus } from './productionServer.ts'

async function readyz(url: string) {
  const res = await fetch(`${url}/readyz`)
  return { status: res.status, body: (await res.json()) as { ready: boolean; reason?: string } }
}

async function metrics(url: string) {
  const res = await fetch(`${url}/metrics`)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return parsePrometheus(await res.text())
}

/** Polls until `check` holds, for conditions outside this process (an HTTP answer). */
async function eventually(check: () => Promise<boolean>, what: string, ms = 15_000) {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('readiness and metrics of a production node on Redis', () => {
  let redis: TestRedis | null = null
  let server: ServerProcess | null = null
  let client: HeadlessClient | null = null
  afterEach(async () => {
    client?.close()
    if (server) await stopServer(server, 'SIGKILL')
    await redis?.stop()
    client = server = redis = null
  })

  it('/metrics counts a push; /readyz goes not ready when Redis stops and ready again when it is back; the log says so once each way', async () => {
    buildServerBundle()
    redis = await startTestRedis()
    const env = cleanEnv({ REDIS_URL: redis.url, REDIS_PREFIX: `ops${randomBytes(4).toString('hex')}:` })
    server = await spawnServer({ args: PRODUCTION, env })
    expect(await readyz(server.url)).toEqual({ status: 200, body: { ready: true } })

    const board = await createBoard(server.url)
    client = headlessClient(server.url, board.participant, 'writer')
    await until(() => client!.state.connection === 'online', 'client online')
    client.store.put([geoShape('counted', { x: 10, y: 10 }) as never])
    await until(() => client!.acks.length === 1, 'the push acknowledged')
    const counted = await metrics(server.url)
    expect(counted.get('opificio_pushes_total')).toBe(1)
    expect(counted.get('opificio_ack_latency_seconds_count')).toBe(1)
    expect(counted.get('opificio_connections')).toBe(1)
    expect(counted.get('opificio_boards_open')).toBe(1)
    expect(counted.get('opificio_flush_bytes_count')).toBeGreaterThanOrEqual(1)
    expect(counted.get('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0)
    expect(counted.get('opificio_redis_errors_total')).toBe(0)

    await redis.stop()
    const down = performance.now()
    await eventually(async () => (await readyz(server!.url)).status === 503, '/readyz to say not ready')
    const notReadyMs = performance.now() - down
    const { body } = await readyz(server.url)
    expect(body).toEqual({ ready: false, reason: expect.stringMatching(/^redis: /) })
    // Alive all the while: a balancer takes it out of rotation, nobody restarts it.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)

    await redis.start()
    const up = performance.now()
    await eventually(async () => (await readyz(server!.url)).status === 200, '/readyz to say ready again')
    const readyMs = performance.now() - up
    await eventually(async () => server!.output().includes('Redis reachable again'), 'the log to say Redis is back')
    const after = await metrics(server.url)
    expect(after.get('opificio_redis_errors_total')).toBeGreaterThan(0)

    const lines = server
      .output()
      .split('\n')
      .filter((l) => /Redis|ready/.test(l))
    expect(lines.filter((l) => l.includes('Redis unreachable'))).toHaveLength(1)
    expect(lines.filter((l) => l.includes('Redis reachable again'))).toHaveLength(1)
    console.log(
      `not ready ${Math.round(notReadyMs)} ms after Redis stopped, ready ${Math.round(readyMs)} ms after it was back; the log:\n${lines.join('\n')}`
    )
  })
})
