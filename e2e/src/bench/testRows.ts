import type { StormResult } from './load/dragStorm.ts'
import type { StormRow } from './report.ts'

/** Latencies with p95, p99 and max alike: tests of the report and of the budgets. */
export const lat = (p50: number, p99: number) => ({ n: 100, p50, p95: p99, p99, max: p99 })

/** A storm row with the given change p50 / p99 and server CPU per node; acks at half the change. */
export function stormRow(
  target: StormRow['target'],
  scenario: string,
  change: [number, number],
  cpuPct: number[],
  result: Partial<StormResult> = {}
): StormRow {
  return {
    kind: 'storm',
    scenario,
    target,
    targetName: target,
    cursorHz: 20,
    boards: 1,
    result: {
      change: lat(...change),
      ack: lat(change[0] / 2, change[1] / 2),
      cursor: { ...lat(4, 8), deliveredPct: 99 },
      boardP99: lat(change[1], change[1]),
      changesPerSecond: 300,
      messagesPerSecond: 3000,
      lost: 0,
      unacked: 0,
      dropped: 0,
      generator: { cpuPct: 40, loopDelayP99: 12 },
      ...result,
    },
    cpuPct,
    rssMiB: cpuPct.map(() => 100),
  }
}
