import { spawn } from 'node:child_process'
import { startCluster } from '../../harness/cluster.ts'
import { createBoard, repoRoot } from '../../harness/server.ts'
import { freePort, spawnServer, stopServer } from '../../harness/serverProcess.ts'
import type { BoardKey } from './dragStorm.ts'
import type { WireName } from './wires.ts'

/** What a scenario runs against: server processes, the protocol to speak to them, a way to make boards. */
export interface Target {
  key: TargetKey
  name: string
  urls: string[]
  pids: number[]
  wire: WireName
  board(): Promise<BoardKey>
  stop(): Promise<unknown>
}

export const TARGETS = ['floor', 'tldraw', 'one', 'two'] as const
export type TargetKey = (typeof TARGETS)[number]

/** Node options for the server under test, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (not passed to the two nodes, which a harness starts). */
const serverNodeOptions = (): Record<string, string> =>
  process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}

/** A bench server of ours (e2e/src/bench/load/<file>), started on a free port, once /healthz answers. */
async function benchServer(file: string) {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', `e2e/src/bench/load/${file}`, String(port)], {
    cwd: repoRoot,
    stdio: 'ignore',
    env: { ...process.env, ...serverNodeOptions() },
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false
      )
    )
      break
    if (i > 600 || child.exitCode !== null) throw new Error(`${file} did not start`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return { url, pid: child.pid!, stop: async () => child.kill('SIGTERM') }
}

let boards = 0
const localBoard = async (): Promise<BoardKey> => ({ id: `benchboard${boards++}`, token: 'x'.repeat(22) })

export const startTarget: Record<TargetKey, () => Promise<Target>> = {
  async floor() {
    const s = await benchServer('relayServer.ts')
    return { key: 'floor', name: 'floor: bare Socket.IO relay', urls: [s.url], pids: [s.pid], wire: 'opificio', board: localBoard, stop: s.stop }
  },
  async tldraw() {
    const s = await benchServer('tldrawRoomServer.ts')
    return {
      key: 'tldraw',
      name: 'tldraw sync room (TLSocketRoom, in memory)',
      urls: [s.url],
      pids: [s.pid],
      wire: 'tldraw',
      board: localBoard,
      stop: s.stop,
    }
  },
  async one() {
    const server = await spawnServer({ env: { BOARD_CREATION_BURST: '100000', ...serverNodeOptions() } })
    return {
      key: 'one',
      name: 'Opificio, 1 node (embedded, fsync)',
      urls: [server.url],
      pids: [server.child.pid!],
      wire: 'opificio',
      board: async () => (await createBoard(server.url, 'Bench')).participant,
      stop: () => stopServer(server),
    }
  },
  async two() {
    const cluster = await startCluster(2)
    return {
      key: 'two',
      name: 'Opificio, 2 nodes + Redis (AOF always)',
      urls: cluster.urls,
      pids: cluster.nodes.map((n) => n.child.pid!),
      wire: 'opificio',
      board: async () => (await createBoard(cluster.urls[0], 'Bench')).participant,
      stop: () => cluster.stop(),
    }
  },
}
