import { describe, expect, it } from 'vitest'
import { type BudgetCheck, budgetTable, checkBudgets } from './budgets.ts'
import type { BrowserResult } from './load/browserScenario.ts'
import type { JoinResult } from './load/joinScenario.ts'
import { browserName, joinName, stormName } from './plan.ts'
import type { Row } from './report.ts'
import { lat, stormRow } from './testRows.ts'

const fsync = lat(0.3, 11.7)
const verdictOf = (checks: BudgetCheck[], start: string) => {
  const found = checks.filter((c) => c.budget.startsWith(start))
  if (found.length !== 1) throw new Error(`${found.length} budgets start with ${start}`)
  return found[0].verdict
}

/** The headline rows of the full run at 77f84ee (docs/PERFORMANCE.md), as far as budgets read them. */
function headline(): Row[] {
  return [
    stormRow('tldraw', stormName(200, 10, 0), [7.1, 20], [40]),
    stormRow('tldraw', stormName(200, 10, 20), [Number.NaN, Number.NaN], [117], { change: { ...lat(Number.NaN, Number.NaN), n: 0 }, lost: 118_632 }),
    stormRow('one', stormName(200, 10, 0), [9.2, 21], [37]),
    stormRow('one', stormName(200, 10, 20), [10, 32], [53]),
    stormRow('two', stormName(200, 10, 0), [6.1, 15], [28, 30]),
    stormRow('two', stormName(200, 10, 20), [7.9, 31], [37, 38]),
  ]
}

describe('the bench’s budgets', () => {
  it('compares one node with tldraw’s room in the same run, a room that lost changes counting as slower than any', () => {
    const checks = checkBudgets(headline(), fsync)
    expect(verdictOf(checks, "200/10 without cursors, one node at or below tldraw's room: change p50")).toBe('missed')
    expect(verdictOf(checks, "200/10 without cursors, one node at or below tldraw's room: change p99")).toBe('missed')
    expect(verdictOf(checks, "200/10 without cursors, one node at or below tldraw's room: server CPU")).toBe('met')
    expect(verdictOf(checks, "200/10 with cursors at 20 Hz, one node at or below tldraw's room: change p50")).toBe('met')
    expect(verdictOf(checks, "200/10 with cursors at 20 Hz, one node at or below tldraw's room: server CPU")).toBe('met')
    expect(checks.find((c) => c.budget.endsWith("with cursors at 20 Hz, one node at or below tldraw's room: change p99"))?.measured).toBe(
      '32 ms against none delivered, 118,632 lost'
    )
  })

  it('holds a change’s p99 with cursors to twice its p99 without', () => {
    const ratio = (p99: number) => {
      const rows = headline().map((r) =>
        r.target === 'one' && r.scenario === stormName(200, 10, 20) ? stormRow('one', r.scenario, [10, p99], [53]) : r
      )
      return verdictOf(checkBudgets(rows, fsync), '200/10, one node: a change')
    }
    expect(ratio(42)).toBe('met')
    expect(ratio(43)).toBe('missed')
  })

  it('holds two nodes to 12 / 40 ms and 60 % of a core each', () => {
    const two = (change: [number, number], cpu: number[]) =>
      verdictOf(checkBudgets([stormRow('two', stormName(200, 10, 0), change, cpu)], fsync), '200/10 without cursors, two nodes')
    expect(two([6.1, 15], [28, 30])).toBe('met')
    expect(two([6.1, 41], [28, 30])).toBe('missed')
    expect(two([12.5, 15], [28, 30])).toBe('missed')
    expect(two([6.1, 15], [28, 61])).toBe('missed')
  })

  it('counts a loss on any row of ours, never on the others’', () => {
    const theirs = checkBudgets(
      [stormRow('tldraw', stormName(50, 10, 20), [9, 21], [50], { lost: 3 }), stormRow('one', stormName(50, 10, 20), [5, 12], [30])],
      fsync
    )
    expect(verdictOf(theirs, 'Nothing lost')).toBe('met')
    const ours = checkBudgets([stormRow('two', stormName(50, 10, 20), [5, 12], [30, 30], { unacked: 1 })], fsync)
    expect(verdictOf(ours, 'Nothing lost')).toBe('missed')
  })

  it('holds cursors at 50 people to 20 ms and 99 % delivered on each of our targets', () => {
    const cursors = (p50: number, deliveredPct: number) =>
      verdictOf(
        checkBudgets([stormRow('one', stormName(50, 10, 20), [5, 12], [30], { cursor: { ...lat(p50, 30), deliveredPct } })], fsync),
        '50/10 with cursors at 20 Hz, one node'
      )
    expect(cursors(4.8, 100)).toBe('met')
    expect(cursors(21, 100)).toBe('missed')
    expect(cursors(4.8, 98.9)).toBe('missed')
  })

  it('holds ack p50 to 5 ms on one node at 200/10, with and without cursors', () => {
    const acks = (without: number, withCursors: number) =>
      verdictOf(
        checkBudgets(
          [
            stormRow('one', stormName(200, 10, 0), [9.2, 21], [37], { ack: lat(without, 20) }),
            stormRow('one', stormName(200, 10, 20), [10, 32], [53], { ack: lat(withCursors, 30) }),
            stormRow('two', stormName(200, 10, 20), [12, 48], [42, 42], { ack: lat(7.3, 49) }),
          ],
          fsync
        ),
        'Ack p50'
      )
    expect(acks(2.0, 4.9)).toBe('met')
    expect(acks(2.0, 5.1)).toBe('missed')
    expect(acks(5.1, 2.9)).toBe('missed')
  })

  it('holds the 100 Hz writer’s acks to two durable appends of this disk', () => {
    const writer = (p99: number) =>
      verdictOf(checkBudgets([stormRow('one', stormName(10, 1, 0, 100), [9.2, 15], [7], { ack: lat(2.1, p99) })], fsync), 'A writer pushing 100')
    expect(writer(23.4)).toBe('met')
    expect(writer(23.5)).toBe('missed')
  })

  it('reads the browser’s and the join’s rows', () => {
    const browser = (dragP50: number, interactiveMs: number): Row => ({
      kind: 'browser',
      scenario: browserName(2000, 10),
      target: 'one',
      targetName: 'one',
      result: {
        records: 2016,
        drawnMs: 1500,
        interactiveMs,
        dragToRender: { ...lat(dragP50, 60), sent: 120 },
        others: stormRow('one', 'others', [20, 80], [30]).result,
      } as BrowserResult,
    })
    const join = (coldMs: number): Row => ({
      kind: 'join',
      scenario: joinName(10_000),
      target: 'one',
      targetName: 'one',
      result: { records: 10_016, coldMs, warm: lat(43, 60) } as JoinResult,
    })
    const met = checkBudgets([browser(25, 1900), join(115)], fsync)
    expect(['Drag-to-render', 'A 2,000-record', 'A 10,000-record'].map((b) => verdictOf(met, b))).toEqual(['met', 'met', 'met'])
    const missed = checkBudgets([browser(31, 3100), join(301)], fsync)
    expect(['Drag-to-render', 'A 2,000-record', 'A 10,000-record'].map((b) => verdictOf(missed, b))).toEqual(['missed', 'missed', 'missed'])
  })

  it('measures none in the quick mode, and says so', () => {
    const quick = checkBudgets([stormRow('one', stormName(20, 2, 20), [3, 8], [10])], fsync)
    const measured = quick.filter((c) => c.verdict !== 'not measured').map((c) => c.budget.split(',')[0])
    expect(measured).toEqual(['Nothing lost'])
    expect(budgetTable(checkBudgets([], fsync))).toBe(
      'Budgets (issue 13; docs/PERFORMANCE.md): none measured in this run; the full suite measures them.'
    )
    expect(budgetTable(checkBudgets(headline(), fsync))).toContain(
      "| 200/10 without cursors, one node at or below tldraw's room: change p50 | 9.2 ms against 7.1 ms | missed |"
    )
  })
})
