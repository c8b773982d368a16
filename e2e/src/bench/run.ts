// The performance suite (docs/PERFORMANCE.md): every scenario against the floor (a bare
// Socket.IO relay), Opificio on one node (embedded storage, fsync) and on two nodes sharing a
// Redis (AOF, appendfsync always), driven by the same load generator in the same run.
// Run: npm run bench   (--quick: about a minute, what CI runs so the suite keeps working)
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startCluster } from '../harness/cluster.ts'
import { createBoard, repoRoot } from '../harness/server.ts'
import { freePort, spawnServer, stopServer } from '../harness/serverProcess.ts'
import { dragStorm, type StormResult } from './load/dragStorm.ts'
import { cpuMeter, rssMiB } from './load/processStats.ts'

const QUICK = process.argv.includes('--quick')
const OUT = join(repoRoot, '.bench')

interface Scenario {
  name: string
  clients: number
  writers: number
  cursorHz: number
}

const SCENARIOS: Scenario[] = QUICK
  ? [
      { name: 'drag 20/2, no cursors', clients: 20, writers: 2, cursorHz: 0 },
      { name: 'drag 20/2, cursors 20 Hz', clients: 20, writers: 2, cursorHz: 20 },
    ]
  : [
      { name: 'drag 50/10, no cursors', clients: 50, writers: 10, cursorHz: 0 },
      { name: 'drag 50/10, cursors 20 Hz', clients: 50, writers: 10, cursorHz: 20 },
      { name: 'drag 200/10, no cursors', clients: 200, writers: 10, cursorHz: 0 },
      { name: 'drag 200/10, cursors 20 Hz', clients: 200, writers: 10, cursorHz: 20 },
    ]
const SECONDS = QUICK ? 4 : 15

interface Target {
  name: string
  urls: string[]
  pids: number[]
  board(): Promise<{ id: string; token: string }>
  stop(): Promise<unknown>
}

async function relay(): Promise<Target> {
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'e2e/src/bench/load/relayServer.ts', String(port)], {
    cwd: repoRoot,
    stdio: 'ignore',
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false
      )
    )
      break
    await new Promise((r) => setTimeout(r, 50))
  }
  let n = 0
  return {
    name: 'floor: bare Socket.IO relay',
    urls: [url],
    pids: [child.pid!],
    board: async () => ({ id: `relayboard${n++}`, token: 'x'.repeat(22) }),
    stop: async () => child.kill('SIGTERM'),
  }
}

async function oneNode(): Promise<Target> {
  const server = await spawnServer({ env: { BOARD_CREATION_BURST: '100000' } })
  return {
    name: 'Opificio, 1 node (embedded, fsync)',
    urls: [server.url],
    pids: [server.child.pid!],
    board: async () => (await createBoard(server.url, 'Bench')).participant,
    stop: () => stopServer(server),
  }
}

async function twoNodes(): Promise<Target> {
  const cluster = await startCluster(2)
  return {
    name: 'Opificio, 2 nodes + Redis (AOF always)',
    urls: cluster.urls,
    pids: cluster.nodes.map((n) => n.child.pid!),
    board: async () => (await createBoard(cluster.urls[0], 'Bench')).participant,
    stop: () => cluster.stop(),
  }
}

interface Row {
  target: string
  scenario: string
  cursorHz: number
  result: StormResult
  cpuPct: number[]
  rssMiB: number[]
}

const rows: Row[] = []
for (const start of [relay, oneNode, twoNodes]) {
  const target = await start()
  try {
    for (const scenario of SCENARIOS) {
      const board = await target.board()
      const meters = await Promise.all(target.pids.map((pid) => cpuMeter(pid)))
      const result = await dragStorm({
        urls: target.urls,
        board,
        clients: scenario.clients,
        writers: scenario.writers,
        dragHz: 30,
        cursorHz: scenario.cursorHz,
        seconds: SECONDS,
      })
      const cpuPct = await Promise.all(meters.map((m) => m()))
      const rss = await Promise.all(target.pids.map((pid) => rssMiB(pid)))
      rows.push({ target: target.name, scenario: scenario.name, cursorHz: scenario.cursorHz, result, cpuPct, rssMiB: rss })
      console.log(line(rows.at(-1)!))
    }
  } finally {
    await target.stop()
  }
}

function line(r: Row) {
  const f = (n: number) => (Number.isNaN(n) ? '–' : n < 10 ? n.toFixed(1) : n.toFixed(0))
  const { change, ack, cursor } = r.result
  return `| ${r.scenario} | ${r.target} | ${f(change.p50)} / ${f(change.p95)} / ${f(change.p99)} / ${f(change.max)} | ${f(ack.p50)} | ${f(cursor.p50)} / ${f(cursor.p99)}, ${f(cursor.deliveredPct)} % | ${r.result.lost} lost, ${r.result.unacked} unacked | ${r.cpuPct.map((c) => `${f(c)} %`).join(' + ')} | ${r.rssMiB.map(f).join(' + ')} |`
}

const header = `| scenario | target | change p50 / p95 / p99 / max ms | ack p50 ms | cursor p50 / p99 ms, delivered | lost | CPU | RSS MiB |\n|---|---|---|---|---|---|---|---|`
const markdown = `Drag storm: writers at 30 Hz, ${SECONDS} s per scenario${QUICK ? ' (quick mode)' : ''}, ${new Date().toISOString()}\n\n${header}\n${rows.map(line).join('\n')}\n`
await mkdir(OUT, { recursive: true })
await writeFile(join(OUT, QUICK ? 'bench-quick.json' : 'bench.json'), JSON.stringify(rows, null, 2))
await writeFile(join(OUT, QUICK ? 'bench-quick.md' : 'bench.md'), markdown)
console.log(`\n${markdown}\nwritten to ${OUT}`)
