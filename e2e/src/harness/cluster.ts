import { randomBytes } from 'node:crypto'
import { RedisStorage, startTestRedis, type TestRedis } from '@opificio/server/testing'
import { freePort, spawnServer, stopServer, type ServerProcess } from './serverProcess.ts'
import { silentLogger } from '@opificio/server/testing'

export interface Cluster {
  redis: TestRedis
  nodes: ServerProcess[]
  urls: string[]
  prefix: string
  /** Reads the boards as a freshly started node would. */
  openStorage(): Promise<RedisStorage>
  restartNode(index: number): Promise<ServerProcess>
  stop(): Promise<void>
}

/**
 * Several real server processes sharing one private redis-server (AOF, fsync always).
 * `advertise` gives every node the list of all nodes (SERVER_URLS), as without a load balancer.
 */
export async function startCluster(nodeCount = 2, opts: { advertise?: boolean } = {}): Promise<Cluster> {
  const r = await startTestRedis()
  const prefix = `cluster${randomBytes(4).toString('hex')}:`
  const ports = await Promise.all(Array.from({ length: nodeCount }, () => freePort()))
  // Long fuzz runs create hundreds of boards from this one address.
  const env: Record<string, string> = { REDIS_URL: r.url, REDIS_PREFIX: prefix, BOARD_CREATION_BURST: '100000' }
  if (opts.advertise) env.SERVER_URLS = ports.map((p) => `http://127.0.0.1:${p}`).join(',')
  const nodes = await Promise.all(ports.map((port) => spawnServer({ env, port })))
  const opened: RedisStorage[] = []
  const cluster: Cluster = {
    redis: r,
    nodes,
    urls: nodes.map((n) => n.url),
    prefix,
    async openStorage() {
      const storage = new RedisStorage({ url: r.url, prefix, logger: silentLogger })
      opened.push(storage)
      await storage.ready()
      return storage
    },
    async restartNode(index) {
      const old = nodes[index]
      await stopServer(old, 'SIGKILL')
      nodes[index] = await spawnServer({ env, port: old.port })
      return nodes[index]
    },
    async stop() {
      for (const s of opened) await s.close()
      await Promise.all(nodes.map((n) => stopServer(n, 'SIGKILL')))
      await r.stop()
    },
  }
  return cluster
}
