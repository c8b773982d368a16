import { afterEach, describe, expect, it } from 'vitest'
import { until } from '../harness/server.ts'
import { PRODUCTION, spawnServer, stopServer, type ServerProcess } from '../harness/serverProcess.ts'
import { buildServerBundle, cleanEnv } from './productionServer.ts'

const REQUESTS = 600
const path = (i: number) => `/api/boards/missingboard${String(i).padStart(4, '0')}`

describe('the production server with a log reader that stops reading', () => {
  let server: ServerProcess | null = null
  afterEach(async () => {
    if (server) await stopServer(server, 'SIGKILL')
    server = null
  })

  it('keeps answering while its stdout is full, and the lines come once the reader is back', async () => {
    buildServerBundle()
    server = await spawnServer({ args: PRODUCTION, env: cleanEnv({}) })
    // A log collector that fell behind: nothing reads the pipe, which fills after a few hundred lines.
    server.child.stdout!.pause()
    const slowest = { ms: 0, at: -1 }
    for (let i = 0; i < REQUESTS; i++) {
      const started = performance.now()
      const res = await fetch(`${server.url}${path(i)}`, { signal: AbortSignal.timeout(10_000) })
      await res.arrayBuffer()
      expect(res.status).toBeLessThan(500)
      const ms = performance.now() - started
      if (ms > slowest.ms) Object.assign(slowest, { ms, at: i })
    }
    console.log(`[log reader] ${REQUESTS} requests answered with stdout unread; slowest ${slowest.ms.toFixed(1)} ms (request ${slowest.at})`)
    expect(server.hasExited()).toBe(false)

    server.child.stdout!.resume()
    await until(() => server!.output().includes(`GET ${path(REQUESTS - 1)} `), 'the last request’s line', 10_000)
    expect(server.output()).not.toContain('log lines dropped')
    expect(server.output()).not.toContain('Maximum call stack')
  })

  it('stops on SIGTERM when its log reader has gone away', async () => {
    buildServerBundle()
    server = await spawnServer({ args: PRODUCTION, env: cleanEnv({}) })
    // The collector died: the pipe's far end is closed, and every write to it fails (EPIPE).
    server.child.stdout!.destroy()
    const stopped = performance.now()
    server.child.kill('SIGTERM')
    await until(() => server!.hasExited(), 'the server to stop', 10_000)
    console.log(`[log reader] stopped ${(performance.now() - stopped).toFixed(0)} ms after SIGTERM with its stdout closed`)
  })
})
