// The performance suite (docs/PERFORMANCE.md): drag storms against the floor (a bare Socket.IO
// relay), tldraw's own sync room, Opificio on one node (embedded storage, fsync) and on two nodes
// sharing a Redis (AOF, appendfsync always), driven by the same load generator in the same run;
// then joins of large boards and two Chromiums on Opificio.
// Run: npm run bench   (--quick: about a minute, what CI runs; --only=floor,tldraw,one,two;
//                       --scenario=<part of a name>; --seconds=N)
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { repoRoot } from '../harness/server.ts'
import { budgetTable, checkBudgets } from './budgets.ts'
import { browserScenario } from './load/browserScenario.ts'
import { dragStorm } from './load/dragStorm.ts'
import { fsyncProbe } from './load/fsyncProbe.ts'
import { joinScenario } from './load/joinScenario.ts'
import { cpuMeter, rssMiB } from './load/processStats.ts'
import { startTarget, TARGETS, type Target, type TargetKey } from './load/targets.ts'
import { planFrom, type StormScenario, targetsOf } from './plan.ts'
import { markdown, type Row, type StormRow, withFloorRatios } from './report.ts'

const args = process.argv.slice(2)
const plan = planFrom(args)
const partial = args.some((a) => a.startsWith('--only') || a.startsWith('--scenario') || a.startsWith('--seconds'))
const name = plan.quick ? 'bench-quick' : partial ? 'bench-partial' : 'bench'
const OUT = join(repoRoot, '.bench')

async function storm(target: Target, s: StormScenario): Promise<StormRow> {
  const boards = await Promise.all(Array.from({ length: s.boards }, () => target.board()))
  // The servers' CPU over the window alone: not their clients' arrival, nor the settling after.
  let meters: Promise<Array<() => Promise<number>>> | undefined
  let cpuPct: Promise<number[]> | undefined
  const result = await dragStorm({
    urls: target.urls,
    wire: target.wire,
    board: boards[0],
    moreBoards: boards.slice(1),
    clients: s.clients,
    writers: s.writers,
    dragHz: s.dragHz,
    cursorHz: s.cursorHz,
    seconds: plan.seconds,
    started: () => {
      meters = Promise.all(target.pids.map((pid) => cpuMeter(pid)))
    },
    ended: () => {
      cpuPct = meters!.then((ms) => Promise.all(ms.map((m) => m())))
    },
  })
  return {
    kind: 'storm',
    scenario: s.name,
    target: target.key,
    targetName: target.name,
    cursorHz: s.cursorHz,
    boards: s.boards,
    result,
    cpuPct: await cpuPct!,
    rssMiB: await Promise.all(target.pids.map((pid) => rssMiB(pid))),
  }
}

const rows: Row[] = []
let last = performance.now()
const done = (row: Row) => {
  rows.push(row)
  const took = (performance.now() - last) / 1000
  last = performance.now()
  console.log(markdown(withFloorRatios(rows).slice(-1), `${row.scenario}, ${row.targetName} (${took.toFixed(0)} s):`))
}
const ONE_NODE = 'Opificio, 1 node (embedded, fsync)'
/** Runs one row; a row that cannot run is reported as such, and the suite goes on with the next. */
async function attempt(scenario: string, target: TargetKey, targetName: string, run: () => Promise<Row>) {
  try {
    done(await run())
  } catch (e) {
    done({ kind: 'failed', scenario, target, targetName, error: (e as Error).stack ?? String(e) })
    process.exitCode = 1
  }
}

const fsync = await fsyncProbe()
const heading = [
  `Writers at 30 Hz unless said, ${plan.seconds} s per storm${plan.quick ? ' (quick mode)' : ''}, ${new Date().toISOString()}.`,
  `A durable append of 200 bytes (O_DSYNC) on this disk: p50 ${fsync.p50.toFixed(2)} ms, p99 ${fsync.p99.toFixed(2)} ms.`,
].join(' ')
try {
  const storms = plan.scenarios.filter((s): s is StormScenario => s.kind === 'storm')
  for (const key of TARGETS.filter((t) => plan.targets.includes(t) && storms.length > 0)) {
    let target: Target | undefined
    try {
      target = await startTarget[key]()
    } catch (e) {
      for (const s of storms) await attempt(s.name, key, key, () => Promise.reject(e))
      continue
    }
    try {
      for (const s of storms) await attempt(s.name, key, target.name, () => storm(target, s))
    } finally {
      await target.stop()
    }
  }
  for (const s of plan.scenarios) {
    if (!targetsOf(s).some((t) => plan.targets.includes(t))) continue
    if (s.kind === 'join')
      await attempt(s.name, 'one', ONE_NODE, async () => ({
        kind: 'join',
        scenario: s.name,
        target: 'one',
        targetName: ONE_NODE,
        result: await joinScenario(s.records, s.joins),
      }))
    if (s.kind === 'browser')
      await attempt(s.name, 'one', ONE_NODE, async () => ({
        kind: 'browser',
        scenario: s.name,
        target: 'one',
        targetName: ONE_NODE,
        result: await browserScenario(s.records, s.others, plan.seconds),
      }))
  }
} finally {
  const all = withFloorRatios(rows)
  const md = `${markdown(all, heading)}\n${budgetTable(checkBudgets(all, fsync))}\n`
  await mkdir(OUT, { recursive: true })
  await writeFile(join(OUT, `${name}.json`), JSON.stringify(all, null, 2))
  await writeFile(join(OUT, `${name}.md`), md)
  console.log(`\n${md}\nwritten to ${join(OUT, name)}.{json,md}`)
}
