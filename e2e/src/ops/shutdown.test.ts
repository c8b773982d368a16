import { afterEach, describe, expect, it } from 'vitest'
import { EmbeddedStorage, silentLogger } from '@opificio/server/testing'
import { startCluster, type Cluster } from '../harness/cluster.ts'
import { expectDurableAndEqual, keepActing, settle } from '../harness/fuzz.ts'
import { clusterClient, headlessClient, type HeadlessClient } from '../harness/headlessClient.ts'
import { seededRandom } from '../harness/random.ts'
import { createBoard, until } from '../harness/server.ts'
import { PRODUCTION, spawnServer, stopServer, type ServerProcess } from '../harness/serverProcess.ts'
import { buildServerBundle, cleanEnv } from './productionServer.ts'

const SHUTDOWN_TIMEOUT_MS = 5000
const totalAcks = (clients: HeadlessClient[]) => clients.reduce((n, c) => n + c.acks.length, 0)

describe('SIGTERM to the production server', () => {
  const servers: ServerProcess[] = []
  let clients: HeadlessClient[] = []
  let cluster: Cluster | null = null
  afterEach(async () => {
    for (const c of clients) c.close()
    clients = []
    for (const s of servers.splice(0)) await stopServer(s, 'SIGKILL')
    await cluster?.stop()
    cluster = null
  })

  const production = (opts: { port?: number; dataDir?: string } = {}) =>
    spawnServer({ ...opts, args: PRODUCTION, env: cleanEnv({ SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) }) }).then((s) => {
      servers.push(s)
      return s
    })

  it('while clients write: exits 0 within the bound, clients come back to the restarted server, every acknowledged edit is there', async () => {
    buildServerBundle()
    const first = await production()
    const board = await createBoard(first.url)
    const reasons: string[][] = []
    clients = Array.from({ length: 3 }, (_, i) => {
      const client = headlessClient(first.url, board.participant, `w${i}`)
      const seen: string[] = []
      reasons.push(seen)
      client.socket.on('disconnect', (reason) => seen.push(reason))
      return client
    })
    await until(() => clients.every((c) => c.state.connection === 'online'), 'clients online')
    const stopActing = keepActing(clients, seededRandom(14))
    await until(() => totalAcks(clients) > 40, 'acks under load')

    const signalled = performance.now()
    first.child.kill('SIGTERM')
    const { code, signal } = await first.exited
    const stopMs = performance.now() - signalled
    expect({ code, signal }, first.output()).toEqual({ code: 0, signal: null })
    expect(stopMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS)
    // Told by the server to go (and so to come back), not cut off.
    expect(reasons.map((r) => r[0])).toEqual(['io server disconnect', 'io server disconnect', 'io server disconnect'])
    expect(first.output()).toMatch(/"msg":"stopping".*\n.*"msg":"stopped"/s)

    // People keep working while the node is away; it comes back on the same port and data.
    await new Promise((r) => setTimeout(r, 300))
    const second = await production({ port: first.port, dataDir: first.dataDir })
    await until(() => clients.every((c) => c.state.connection === 'online'), 'clients back online on the restarted server', 20_000)
    const acksAtRestart = totalAcks(clients)
    await until(() => totalAcks(clients) > acksAtRestart + 10, 'acks on the restarted server')
    stopActing()
    await settle(clients)

    second.child.kill('SIGTERM')
    expect((await second.exited).code, second.output()).toBe(0)
    const storage = new EmbeddedStorage(first.dataDir, { logger: silentLogger })
    try {
      await expectDurableAndEqual(storage, board.id, clients)
    } finally {
      await storage.close()
    }
    console.log(`SIGTERM under load: stopped in ${Math.round(stopMs)} ms; ${totalAcks(clients)} acks in all; restart ${second.startupMs} ms`)
  })

  it('of one node of two (SERVER_URLS): its clients move to the other, nothing acknowledged lost', async () => {
    cluster = await startCluster(2, { advertise: true })
    const board = await createBoard(cluster.urls[0])
    // All on the node that will stop, each able to move to the other one, as browsers are.
    clients = Array.from({ length: 3 }, (_, i) => clusterClient(cluster!.urls, board.participant, `m${i}`))
    await until(() => clients.every((c) => c.state.connection === 'online'), 'clients online')
    const stopActing = keepActing(clients, seededRandom(15))
    await until(() => totalAcks(clients) > 30, 'acks under load')

    const signalled = performance.now()
    cluster.nodes[0].child.kill('SIGTERM')
    expect((await cluster.nodes[0].exited).code, cluster.nodes[0].output()).toBe(0)
    await until(() => clients.every((c) => c.state.connection === 'online'), 'every client online on the other node')
    const movedMs = performance.now() - signalled
    const acksMoved = totalAcks(clients)
    await until(() => totalAcks(clients) > acksMoved + 10, 'acks on the other node')
    stopActing()
    await settle(clients)
    await expectDurableAndEqual(await cluster.openStorage(), board.id, clients)
    console.log(`SIGTERM to one of two nodes: its clients were on the other ${Math.round(movedMs)} ms after the signal`)
  })
})
