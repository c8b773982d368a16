import { LIMITS, welcomeRecords } from '@opificio/shared'
import { elementShape, relationShapes } from '@opificio/shared/testing'
import type { UnknownRecord } from '@tldraw/store'
import { rawClient, refusalOf } from '../../harness/rawClient.ts'
import { type BoardKey, until } from '../../harness/server.ts'

const KINDS = ['ente-pubblico', 'terzo-settore', 'cittadino', 'servizio', 'spazio', 'bisogno']
const SECTORS: Record<string, string> = { 'ente-pubblico': 'pubblico', 'terzo-settore': 'privato-sociale', cittadino: 'civico' }
const PER_PUSH = 2000
const PER_CONNECTION = 10_000
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * The `i`th of ascending fractional index keys with no fraction part ('a0'…'az', 'b00'…'bzz',
 * 'c000'…): every shape its own place in the stack, as on a board people drew. Siblings sharing
 * an index are what a server repairs on load, a cost no drawn board has.
 */
export function indexKey(i: number): string {
  for (const [head, width] of [
    ['a', 1],
    ['b', 2],
    ['c', 3],
  ] as const) {
    const span = DIGITS.length ** width
    if (i < span) {
      let key = ''
      for (let k = 0, n = i; k < width; k++, n = Math.floor(n / DIGITS.length)) key = DIGITS[n % DIGITS.length] + key
      return head + key
    }
    i -= span
  }
  throw new Error('index out of range')
}

/** The shapes and bindings of a governance diagram of `count` records: of every 5, 2 element cards and a relation between two of them (an arrow and its 2 bindings). */
export function diagramRecords(count: number): UnknownRecord[] {
  const relations = Math.floor(count / 5)
  const elements = count - 3 * relations
  const cards = Array.from({ length: elements }, (_, i) => {
    const kind = KINDS[i % KINDS.length]
    const card = elementShape(`seed${i}`, {
      kind,
      sector: SECTORS[kind] ?? '',
      name: `Elemento ${i}: associazione di quartiere`,
      lines: i % 3 ? ['welfare'] : [],
    })
    return { ...card, x: (i % 50) * 260, y: Math.floor(i / 50) * 180, index: indexKey(i) }
  })
  const arrows = Array.from({ length: relations }, (_, j) => {
    const [arrow, ...bindings] = relationShapes(`seedrel${j}`, `seed${j % elements}`, `seed${(j * 7 + 1) % elements}`, { relation: 'collabora' })
    return [{ ...arrow, index: indexKey(elements + j) }, ...bindings]
  }).flat()
  return [...cards, ...arrows] as UnknownRecord[]
}

/**
 * Fills a new board through the real protocol, as people pasting large diagrams would, so that
 * the server stores and folds it as any other edit: pushes of 2,000 records, a new connection for
 * every 10,000 (the most one connection may push at once before the server's budget for it, of
 * 1,000 records a second, holds it back). The board holds at most LIMITS.recordsPerBoard records,
 * its own first ones included: a size above that is cut to fit. Returns how many records the
 * board then holds, and how fast the server took them in.
 */
export async function seedBoard(url: string, board: BoardKey, count: number): Promise<{ records: number; perSecond: number }> {
  const first = rawClient(url, board)
  const initial = welcomeRecords(await first.join())?.length ?? 0
  first.close()
  const records = diagramRecords(Math.min(count, LIMITS.recordsPerBoard - initial))
  const t0 = performance.now()
  for (let start = 0; start < records.length; start += PER_CONNECTION) {
    const c = rawClient(url, board)
    try {
      await c.join()
      const mine = records.slice(start, start + PER_CONNECTION)
      for (let i = 0, seq = 1; i < mine.length; i += PER_PUSH, seq++) {
        c.push(seq, Object.fromEntries(mine.slice(i, i + PER_PUSH).map((r) => [r.id, ['put', r]])))
        const answered = () => c.entries.find((e) => (e.kind === 'ack' || e.kind === 'rejected') && e.seq === seq)
        // A large push takes seconds on a busy machine: the wait is for a server that stopped answering.
        await until(() => answered() !== undefined, `seed push ${seq} acknowledged`, 120_000)
        const refusal = refusalOf(answered()!)
        if (refusal) throw new Error(`seeding refused: ${JSON.stringify(refusal)}`)
      }
    } finally {
      c.close()
    }
  }
  return { records: initial + records.length, perSecond: records.length / ((performance.now() - t0) / 1000) }
}
