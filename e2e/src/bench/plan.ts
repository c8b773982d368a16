import { parseArgs } from 'node:util'
import { TARGETS, type TargetKey } from './load/targets.ts'

/** One board (or `boards` boards) under a drag storm: see load/dragStorm.ts. */
export interface StormScenario {
  kind: 'storm'
  name: string
  boards: number
  clients: number
  writers: number
  /** How often each writer moves its shape. */
  dragHz: number
  cursorHz: number
}
/** Joins of boards of each size, and the server's memory per open board: load/joinScenario.ts. */
export interface JoinScenario {
  kind: 'join'
  name: string
  records: number
  joins: number
}
/** Two Chromiums: load/browserScenario.ts. */
export interface BrowserScenario {
  kind: 'browser'
  name: string
  records: number
  others: number
}
export type Scenario = StormScenario | JoinScenario | BrowserScenario

export interface Plan {
  quick: boolean
  /** Seconds of each storm's measured window. */
  seconds: number
  targets: TargetKey[]
  scenarios: Scenario[]
}

/** A one-board storm's name, as rows and budgets (budgets.ts) find it. */
export const stormName = (clients: number, writers: number, cursorHz: number, dragHz = 30) =>
  `drag ${clients}/${writers}${dragHz === 30 ? '' : ` at ${dragHz} Hz`}, ${cursorHz ? `cursors ${cursorHz} Hz` : 'no cursors'}`
export const joinName = (records: number) => `join ${records.toLocaleString('en')} records`
export const browserName = (records: number, others: number) => `browser: ${records.toLocaleString('en')} records, drag while ${others} others drag`

const storm = (clients: number, writers: number, cursorHz: number, dragHz = 30): StormScenario => ({
  kind: 'storm',
  name: stormName(clients, writers, cursorHz, dragHz),
  boards: 1,
  clients,
  writers,
  dragHz,
  cursorHz,
})
const manyBoards = (boards: number, clients: number, writers: number): StormScenario => ({
  kind: 'storm',
  name: `${boards} boards of ${clients}, ${writers} dragging on each, cursors 20 Hz`,
  boards,
  clients,
  writers,
  dragHz: 30,
  cursorHz: 20,
})
const joins = (records: number, count: number): JoinScenario => ({
  kind: 'join',
  name: joinName(records),
  records,
  joins: count,
})
const browser = (records: number, others: number): BrowserScenario => ({ kind: 'browser', name: browserName(records, others), records, others })

const FULL: Scenario[] = [
  storm(10, 1, 20),
  // One writer pushing 100 changes a second: its acks against the disk's fsync time.
  storm(10, 1, 0, 100),
  storm(50, 10, 0),
  storm(50, 10, 20),
  storm(200, 10, 0),
  storm(200, 10, 20),
  storm(200, 30, 0),
  storm(300, 30, 20),
  manyBoards(50, 10, 2),
  joins(500, 10),
  joins(2000, 10),
  joins(10_000, 5),
  joins(50_000, 3),
  browser(2000, 10),
]
const QUICK: Scenario[] = [storm(20, 2, 20), manyBoards(5, 4, 1), joins(500, 2), browser(500, 2)]

/** Which targets a scenario runs against: joins and browsers measure Opificio on one node only. */
export function targetsOf(s: Scenario): readonly TargetKey[] {
  return s.kind === 'storm' ? TARGETS : ['one']
}

/**
 * What `npm run bench -- [--quick] [--only=floor,tldraw,one,two] [--scenario=<part of a name>]
 * [--seconds=N]` runs.
 */
export function planFrom(args: string[]): Plan {
  const { values } = parseArgs({
    args,
    options: { quick: { type: 'boolean' }, only: { type: 'string' }, scenario: { type: 'string' }, seconds: { type: 'string' } },
    strict: true,
  })
  const quick = values.quick ?? false
  const targets = values.only ? values.only.split(',').map((t) => t.trim()) : [...TARGETS]
  const unknown = targets.filter((t) => !(TARGETS as readonly string[]).includes(t))
  if (unknown.length > 0) throw new Error(`--only: unknown target ${unknown.join(', ')} (targets: ${TARGETS.join(', ')})`)
  const seconds = values.seconds === undefined ? (quick ? 3 : 15) : Number(values.seconds)
  if (!(seconds > 0)) throw new Error(`--seconds: expected a number of seconds, got ${values.seconds}`)
  const wanted = values.scenario?.toLowerCase()
  const all = quick ? QUICK : FULL
  const scenarios = all.filter((s) => (!wanted || s.name.toLowerCase().includes(wanted)) && targetsOf(s).some((t) => targets.includes(t)))
  if (scenarios.length === 0) throw new Error(`no scenario matches; they are:\n${all.map((s) => `  ${s.name}`).join('\n')}`)
  return { quick, seconds, targets: targets as TargetKey[], scenarios }
}
