import type { BrowserResult } from './load/browserScenario.ts'
import type { StormResult } from './load/dragStorm.ts'
import type { JoinResult } from './load/joinScenario.ts'
import type { TargetKey } from './load/targets.ts'

interface RowBase {
  scenario: string
  target: TargetKey
  targetName: string
}
export interface StormRow extends RowBase {
  kind: 'storm'
  cursorHz: number
  boards: number
  result: StormResult
  /** Per server node (the floor and tldraw's room are one process). */
  cpuPct: number[]
  rssMiB: number[]
  /** This row's figures divided by the floor's on the same scenario in the same run (the floor's own: 1). */
  vsFloor?: Ratios
}
export interface JoinRow extends RowBase {
  kind: 'join'
  result: JoinResult
}
export interface BrowserRow extends RowBase {
  kind: 'browser'
  result: BrowserResult
}
/** A row that could not run, and why. */
export interface FailedRow extends RowBase {
  kind: 'failed'
  error: string
}
export type Row = StormRow | JoinRow | BrowserRow | FailedRow

export interface Ratios {
  changeP50: number
  changeP95: number
  changeP99: number
  changeMax: number
  ackP50: number
  cursorP50: number
  cursorP99: number
  cpu: number
  rss: number
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

/** Each storm row measured against the floor's row of the same scenario, when the floor ran. */
export function withFloorRatios(rows: Row[]): Row[] {
  return rows.map((r) => {
    if (r.kind !== 'storm') return r
    const floor = rows.find((f): f is StormRow => f.kind === 'storm' && f.target === 'floor' && f.scenario === r.scenario)
    if (!floor) return r
    const a = r.result
    const f = floor.result
    return {
      ...r,
      vsFloor: {
        changeP50: a.change.p50 / f.change.p50,
        changeP95: a.change.p95 / f.change.p95,
        changeP99: a.change.p99 / f.change.p99,
        changeMax: a.change.max / f.change.max,
        ackP50: a.ack.p50 / f.ack.p50,
        cursorP50: a.cursor.p50 / f.cursor.p50,
        cursorP99: a.cursor.p99 / f.cursor.p99,
        cpu: sum(r.cpuPct) / sum(floor.cpuPct),
        rss: sum(r.rssMiB) / sum(floor.rssMiB),
      },
    }
  })
}

/** A figure as the tables give it: one decimal below 10, none above, a dash for none. */
export const n = (x: number) => (!Number.isFinite(x) ? '–' : x < 10 ? x.toFixed(1) : x.toFixed(0))
const ratio = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : `×${x < 10 ? x.toFixed(1) : x.toFixed(0)}`)

function stormLine(r: StormRow) {
  const { change, ack, cursor, boardP99, generator } = r.result
  const v = r.vsFloor
  return [
    r.scenario,
    r.targetName,
    `${n(change.p50)} / ${n(change.p95)} / ${n(change.p99)} / ${n(change.max)}`,
    `${ratio(v?.changeP50)} / ${ratio(v?.changeP99)}`,
    `${n(ack.p50)} / ${n(ack.p99)} / ${n(ack.max)} (${ratio(v?.ackP50)})`,
    r.cursorHz ? `${n(cursor.p50)} / ${n(cursor.p99)}, ${n(cursor.deliveredPct)} % (${ratio(v?.cursorP50)})` : '–',
    r.boards > 1 ? `${n(boardP99.p50)} / ${n(boardP99.max)}` : '–',
    `${r.result.lost} / ${r.result.unacked}${r.result.dropped ? `, ${r.result.dropped} dropped` : ''}`,
    `${r.cpuPct.map((c) => `${n(c)} %`).join(' + ')} (${ratio(v?.cpu)})`,
    r.rssMiB.map(n).join(' + '),
    `${n(generator.cpuPct)} %, lag p99 ${n(generator.loopDelayP99)}`,
  ]
}

function table(header: string[], lines: string[][]) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n')
}

/** The run as Markdown: a table per kind of scenario, the floor's figures beside ours. */
export function markdown(rows: Row[], heading: string): string {
  const parts = [heading]
  const storms = rows.filter((r): r is StormRow => r.kind === 'storm')
  if (storms.length)
    parts.push(
      table(
        [
          'scenario',
          'target',
          'change p50 / p95 / p99 / max ms',
          '÷ floor p50 / p99',
          'ack p50 / p99 / max ms',
          'cursor p50 / p99 ms, delivered',
          'board p99 median / worst ms',
          'lost / unacked',
          'server CPU',
          'RSS MiB',
          'generator CPU, loop lag ms',
        ],
        storms.map(stormLine)
      )
    )
  const joins = rows.filter((r): r is JoinRow => r.kind === 'join')
  if (joins.length)
    parts.push(
      table(
        [
          'join',
          'records',
          'built, records/s',
          'document KiB',
          'first join (from storage) ms',
          'joins of the open board p50 / max ms',
          'heap per open board MiB',
          'RSS per open board MiB',
        ],
        joins.map(({ scenario, result: j }) => [
          scenario,
          String(j.records),
          n(j.seededPerSecond),
          n(j.documentKiB),
          n(j.coldMs),
          `${n(j.warm.p50)} / ${n(j.warm.max)}`,
          n(j.heapPerBoardMiB),
          n(j.rssPerBoardMiB),
        ])
      )
    )
  const browsers = rows.filter((r): r is BrowserRow => r.kind === 'browser')
  if (browsers.length)
    parts.push(
      table(
        [
          'browser',
          'records',
          'drawn / interactive ms',
          'drag-to-render p50 / p95 / p99 / max ms (drawn / sent)',
          'fps dragger / watcher',
          'others: change p50 / p99 ms, lost',
        ],
        browsers.map(({ scenario, result: b }) => [
          scenario,
          String(b.records),
          `${n(b.drawnMs)} / ${n(b.interactiveMs)}`,
          `${n(b.dragToRender.p50)} / ${n(b.dragToRender.p95)} / ${n(b.dragToRender.p99)} / ${n(b.dragToRender.max)} (${b.dragToRender.n} / ${b.dragToRender.sent})`,
          `${n(b.fps.dragger)} / ${n(b.fps.watcher)}`,
          `${n(b.others.change.p50)} / ${n(b.others.change.p99)}, ${b.others.lost}`,
        ])
      )
    )
  const failed = rows.filter((r): r is FailedRow => r.kind === 'failed')
  if (failed.length) parts.push(`Could not run:\n\n${failed.map((r) => `- ${r.scenario}, ${r.targetName}: ${r.error.split('\n')[0]}`).join('\n')}`)
  return `${parts.join('\n\n')}\n`
}
