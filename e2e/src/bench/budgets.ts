import type { Latencies } from './load/dragStorm.ts'
import type { TargetKey } from './load/targets.ts'
import { browserName, joinName, stormName } from './plan.ts'
import { type BrowserRow, type JoinRow, n as ms, type Row, type StormRow, sum } from './report.ts'

export type Verdict = 'met' | 'missed' | 'not measured'

/** One of issue 13's budgets (docs/PERFORMANCE.md, "Budgets") against a run's rows. */
export interface BudgetCheck {
  budget: string
  /** What the run measured for it, or why it did not. */
  measured: string
  verdict: Verdict
}

const OURS: TargetKey[] = ['one', 'two']
const HEADLINE = { clients: 200, writers: 10 }
const pct = (xs: number[]) => xs.map((x) => `${x.toFixed(0)} %`).join(' + ')
const check = (budget: string, measured: string, met: boolean): BudgetCheck => ({ budget, measured, verdict: met ? 'met' : 'missed' })
const unmeasured = (budget: string, missing: string): BudgetCheck => ({ budget, measured: `${missing} did not run`, verdict: 'not measured' })

/**
 * A change figure as a budget compares it: a row that lost changes, or delivered none in its
 * window, took longer than any latency it reports.
 */
function changeFigure(r: StormRow, p: 'p50' | 'p99'): number {
  return r.result.lost > 0 || r.result.change.n === 0 ? Number.POSITIVE_INFINITY : r.result.change[p]
}

const changeText = (r: StormRow, p: 'p50' | 'p99') =>
  r.result.change.n === 0 || r.result.lost > 0
    ? `${r.result.change.n === 0 ? 'none delivered' : `${ms(r.result.change[p])} ms`}, ${r.result.lost.toLocaleString('en')} lost`
    : `${ms(r.result.change[p])} ms`

/**
 * Which of issue 13's budgets a run met. A budget whose rows did not run (the quick mode, a
 * partial run) is not measured; every comparison is within the run, as the budgets are.
 */
export function checkBudgets(rows: Row[], fsync: Latencies): BudgetCheck[] {
  const storms = rows.filter((r): r is StormRow => r.kind === 'storm')
  const storm = (target: TargetKey, clients: number, writers: number, cursorHz: number, dragHz = 30) =>
    storms.find((r) => r.target === target && r.scenario === stormName(clients, writers, cursorHz, dragHz))
  const checks: BudgetCheck[] = []
  const { clients, writers } = HEADLINE

  for (const cursorHz of [0, 20]) {
    const label = `${clients}/${writers} ${cursorHz ? 'with cursors at 20 Hz' : 'without cursors'}, one node at or below tldraw's room`
    const one = storm('one', clients, writers, cursorHz)
    const tldraw = storm('tldraw', clients, writers, cursorHz)
    if (!one || !tldraw) {
      for (const what of ['change p50', 'change p99', 'server CPU']) checks.push(unmeasured(`${label}: ${what}`, 'its one-node or tldraw row'))
      continue
    }
    for (const p of ['p50', 'p99'] as const)
      checks.push(
        check(
          `${label}: change ${p}`,
          `${changeText(one, p)} against ${changeText(tldraw, p)}`,
          changeFigure(one, p) <= changeFigure(tldraw, p) && one.result.lost === 0
        )
      )
    checks.push(check(`${label}: server CPU`, `${pct(one.cpuPct)} against ${pct(tldraw.cpuPct)}`, sum(one.cpuPct) <= sum(tldraw.cpuPct)))
  }

  {
    const label = `${clients}/${writers}, one node: a change's p99 with cursors at most twice its p99 without`
    const without = storm('one', clients, writers, 0)
    const withCursors = storm('one', clients, writers, 20)
    if (!without || !withCursors) checks.push(unmeasured(label, 'its rows with and without cursors'))
    else {
      const ratio = changeFigure(withCursors, 'p99') / changeFigure(without, 'p99')
      checks.push(check(label, `${ms(withCursors.result.change.p99)} against ${ms(without.result.change.p99)} ms: ×${ratio.toFixed(2)}`, ratio <= 2))
    }
  }

  for (const cursorHz of [0, 20]) {
    const label = `${clients}/${writers} ${cursorHz ? 'with cursors' : 'without cursors'}, two nodes + Redis: p50 ≤ 12 ms, p99 ≤ 40 ms, ≤ 60 % CPU per node`
    const two = storm('two', clients, writers, cursorHz)
    if (!two) checks.push(unmeasured(label, 'its two-node row'))
    else
      checks.push(
        check(
          label,
          `${changeText(two, 'p50')} / ${changeText(two, 'p99')}, ${pct(two.cpuPct)}`,
          changeFigure(two, 'p50') <= 12 && changeFigure(two, 'p99') <= 40 && two.cpuPct.every((c) => c <= 60)
        )
      )
  }

  for (const target of OURS) {
    const label = `50/10 with cursors at 20 Hz, ${target === 'one' ? 'one node' : 'two nodes'}: cursor p50 ≤ 20 ms, ≥ 99 % delivered`
    const r = storm(target, 50, 10, 20)
    if (!r) checks.push(unmeasured(label, 'its row'))
    else {
      const { p50, deliveredPct } = r.result.cursor
      checks.push(check(label, `${ms(p50)} ms, ${deliveredPct.toFixed(1)} % delivered`, p50 <= 20 && deliveredPct >= 99))
    }
  }

  const ourStorms = storms.filter((r) => OURS.includes(r.target))
  const browsers = rows.filter((r): r is BrowserRow => r.kind === 'browser')
  {
    const label = 'Nothing lost, ever: every change delivered and every push acknowledged, on every row of ours'
    if (ourStorms.length + browsers.length === 0) checks.push(unmeasured(label, 'no row of ours'))
    else {
      const lost = sum(ourStorms.map((r) => r.result.lost)) + sum(browsers.map((r) => r.result.others.lost))
      const unacked = sum(ourStorms.map((r) => r.result.unacked)) + sum(browsers.map((r) => r.result.others.unacked))
      checks.push(
        check(label, `${lost} lost, ${unacked} unacknowledged over ${ourStorms.length + browsers.length} rows`, lost === 0 && unacked === 0)
      )
    }
  }

  {
    // The budget's load and its fsync'd node (the issue's "1 node (fsync)"); other rows report their acks in the table.
    const label = `Ack p50 ≤ 5 ms with fsync: one node, ${clients}/${writers} with and without cursors`
    const headlineRows = [storm('one', clients, writers, 0), storm('one', clients, writers, 20)].filter((r) => r !== undefined)
    if (headlineRows.length === 0) checks.push(unmeasured(label, 'its one-node rows'))
    else
      checks.push(
        check(
          label,
          headlineRows.map((r) => `${ms(r.result.ack.p50)} ms ${r.cursorHz ? 'with' : 'without'}`).join(', '),
          headlineRows.every((r) => r.result.ack.p50 <= 5)
        )
      )
  }

  {
    // Its own append and, at worst, the one already on its way: two durable appends.
    const label = 'A writer pushing 100 changes a second never more than one fsync behind: ack p99 ≤ two durable appends (p99)'
    const r = storm('one', 10, 1, 0, 100)
    if (!r) checks.push(unmeasured(label, 'its one-node row'))
    else {
      const { p50, p99, max } = r.result.ack
      checks.push(
        check(label, `acked in ${ms(p50)} / ${ms(p99)} / ${ms(max)} ms (p50 / p99 / max), an append's p99 ${ms(fsync.p99)} ms`, p99 <= 2 * fsync.p99)
      )
    }
  }

  const browser = browsers.find((r) => r.scenario === browserName(2000, 10))
  const joined = rows.find((r): r is JoinRow => r.kind === 'join' && r.scenario === joinName(10_000))
  if (!browser) {
    checks.push(unmeasured('Drag-to-render between two Chromiums p50 ≤ 30 ms while 10 others drag', 'the browser row (2,000 records)'))
    checks.push(unmeasured('A 2,000-record board interactive in Chromium in ≤ 3 s', 'the browser row (2,000 records)'))
  } else {
    const d = browser.result.dragToRender
    checks.push(
      check('Drag-to-render between two Chromiums p50 ≤ 30 ms while 10 others drag', `${ms(d.p50)} ms (${d.n} of ${d.sent} drawn)`, d.p50 <= 30)
    )
    const i = browser.result.interactiveMs
    checks.push(check('A 2,000-record board interactive in Chromium in ≤ 3 s', `${(i / 1000).toFixed(1)} s`, i <= 3000))
  }
  if (!joined) checks.push(unmeasured('A 10,000-record board delivered to a joining client in ≤ 300 ms', 'the join of 10,000 records'))
  else {
    const { coldMs, warm } = joined.result
    checks.push(
      check(
        'A 10,000-record board delivered to a joining client in ≤ 300 ms',
        `first join, from storage, ${ms(coldMs)} ms; joins while open ${ms(warm.p50)} / ${ms(warm.max)} ms (p50 / max)`,
        Math.max(coldMs, warm.max) <= 300
      )
    )
  }
  return checks
}

/** The checks as a Markdown table. */
export function budgetTable(checks: BudgetCheck[]): string {
  const met = checks.filter((c) => c.verdict === 'met').length
  const measured = checks.filter((c) => c.verdict !== 'not measured').length
  if (measured === 0) return 'Budgets (issue 13; docs/PERFORMANCE.md): none measured in this run; the full suite measures them.'
  return [
    `Budgets (issue 13; docs/PERFORMANCE.md): ${met} of ${measured} measured met.`,
    '',
    '| budget | this run | verdict |',
    '|---|---|---|',
    ...checks.map((c) => `| ${c.budget} | ${c.measured} | ${c.verdict} |`),
  ].join('\n')
}
