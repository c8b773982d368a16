import { DOCUMENT_TYPE_NAMES } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import type { BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { BoardState, EmbeddedStorage } from '@opificio/server/testing'
import { joinBoard } from '../harness/boardPage.ts'
import { launchContext } from '../harness/browser.ts'
import { keptUnconfirmed, pageDocument, runEditorOp, type Added, type OpKind } from '../harness/editorOps.ts'
import { sortedById } from '../harness/headlessClient.ts'
import { seededRandom, type Random } from '../harness/random.ts'
import { createBoard, startServer } from '../harness/server.ts'

/*
 * Three real browsers edit one board through the tldraw editor at random, each now and then
 * cut off the network for a while (editing on meanwhile) or reloaded with edits still unconfirmed.
 * In the end every page, a freshly opened fourth one, the server's room and what it stored must
 * hold the same document, record by record, and no shape or binding made offline may be gone
 * unless someone deleted it or the board said why.
 *
 * Replay a seed: BROWSER_FUZZ_SEED=7 npm exec -- vitest run e2e/src/browser/browserFuzz
 * More seeds: BROWSER_FUZZ_SEEDS=10 (from BROWSER_FUZZ_SEED, 1 by default); BROWSER_FUZZ_STEPS per page.
 * Timing makes the interleaving differ between runs of one seed; each page's own choices do not.
 */
const FIRST_SEED = Number(process.env.BROWSER_FUZZ_SEED ?? 1)
const SEEDS = Number(process.env.BROWSER_FUZZ_SEEDS ?? (process.env.BROWSER_FUZZ_SEED ? 1 : 2))
const DEFAULT_STEPS = 25
const STEPS = Number(process.env.BROWSER_FUZZ_STEPS ?? DEFAULT_STEPS)
const DOC_TYPES = [...DOCUMENT_TYPE_NAMES]

/** How often each op is picked: mostly building the board, with enough deleting and regrouping to conflict. */
const WEIGHTS: [OpKind, number][] = [
  ['geo', 20],
  ['frame', 5],
  ['arrow', 10],
  ['move', 12],
  ['resize', 6],
  ['color', 7],
  ['delete', 9],
  ['group', 6],
  ['ungroup', 4],
  ['reparent', 9],
  ['undo', 7],
  ['redo', 5],
]
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, w]) => sum + w, 0)

function pickKind(rnd: Random): OpKind {
  let roll = rnd.next() * TOTAL_WEIGHT
  for (const [kind, w] of WEIGHTS) if ((roll -= w) < 0) return kind
  return 'geo'
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface User {
  name: string
  ctx: BrowserContext
  page: Page
  rnd: Random
  /** Uncaught errors of the page, across its reloads. */
  errors: string[]
  /** Every notice the page showed (they go after 8 s, so they are caught as they appear). */
  notices: string[]
  offline: boolean
  ops: number
  offlineOps: number
  /** Shapes and bindings this page put on the board while offline. */
  offlineAdded: Added[]
  spells: number
  /** Spells at whose end the page said it was not connected: proof the spell cut it off. */
  spellsFelt: number
  reloads: number
  /** What the page did, in order, for a failure's report. */
  log: string[]
  opErrors: string[]
}

describe('three real browsers editing at random, offline spells and reloads included', () => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    it(`seed ${seed}: every page, a fresh page and the server end with the same document, and nothing made offline is lost unexplained`, async () => {
      const started = Date.now()
      try {
        await runSeed(seed)
      } finally {
        console.log(`browser fuzz seed ${seed}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
      }
    })
  }

  // The smallest case of what seed 2 found (BROWSER_FUZZ_SEED=2 BROWSER_FUZZ_STEPS=40): the fold gives a shape it moves out of a deleted
  // frame an index from tldraw's getIndicesBetween, which jitters everywhere but under
  // NODE_ENV=test, so every page (and a production server) stacks it differently, for good.
  it('puts a shape whose frame was deleted meanwhile at the same index on every page and on the server', async () => {
    const server = await startServer()
    const contexts = await Promise.all([launchContext(), launchContext()])
    try {
      const board = await createBoard(server.url, 'Cornice eliminata')
      const boardId = board.id
      const link = board.links.participant
      const [a, b] = [await openUser(contexts[0], link, 'A', seededRandom(0)), await openUser(contexts[1], link, 'B', seededRandom(0))]
      const room = (await server.app.rooms.get(boardId))!
      await a.page.evaluate(() =>
        (window as any).opificioEditor.createShapes([{ id: 'shape:frame', type: 'frame', x: 100, y: 100, props: { w: 400, h: 300 } }])
      )
      await b.page.waitForFunction(() => Boolean((window as any).opificioEditor.getShape('shape:frame')))
      await b.ctx.setOffline(true)
      await b.page.waitForSelector('[data-connection="offline"]')
      await b.page.evaluate(() =>
        (window as any).opificioEditor.createShapes([{ id: 'shape:box', type: 'geo', parentId: 'shape:frame', x: 20, y: 20 }])
      )
      await a.page.evaluate(() => (window as any).opificioEditor.deleteShapes(['shape:frame']))
      await b.ctx.setOffline(false)
      const settled = await converge([a, b], () => room.documentRecords, 10_000)
      expect(
        settled.find((r) => r.id === 'shape:box'),
        'the box kept, on the page'
      ).toMatchObject({ parentId: 'page:page' })
    } finally {
      for (const ctx of contexts) await ctx.close()
      await server.close()
    }
  })
})

async function runSeed(seed: number) {
  const server = await startServer()
  const contexts: BrowserContext[] = []
  const users: User[] = []
  const t0 = Date.now()
  try {
    const board = await createBoard(server.url, `Fuzz ${seed}`)
    const boardId = board.id
    const link = board.links.participant
    for (const [i, name] of ['A', 'B', 'C'].entries()) {
      const ctx = await launchContext()
      contexts.push(ctx)
      users.push(await openUser(ctx, link, name, seededRandom(seed * 1000 + i)))
    }
    // Every page's op also records what it removed: a shape missing at the end that some page
    // deleted (itself, along with its contents, or by undo) was not lost.
    const removed = new Set<string>()
    await Promise.all(users.map((u) => userLoop(u, seed, t0, removed)))

    const room = (await server.app.rooms.get(boardId))!
    const settled = await converge(users, () => room.documentRecords)

    // A page that opens the board now must get exactly what the others hold.
    const freshCtx = await launchContext()
    contexts.push(freshCtx)
    const fresh = await joinBoard(freshCtx, link, 'Fresco')
    const docs: [string, UnknownRecord[]][] = [
      ...(await Promise.all(users.map(async (u): Promise<[string, UnknownRecord[]]> => [u.name, await pageDocument(u.page, DOC_TYPES)]))),
      ['fresh page', await pageDocument(fresh.page, DOC_TYPES)],
    ]
    for (const [name, doc] of docs) expect(divergences('server', settled, name, doc), `${name} against the server`).toEqual([])

    // What the server folded is what it stored: the board read back as a restarted server would.
    const storage = new EmbeddedStorage(server.dataDir)
    try {
      const { snapshot, entries } = await storage.load(boardId)
      const durable = [...new BoardState(snapshot, entries).records.values()]
      expect(divergences('server', settled, 'storage', durable), 'storage against the server').toEqual([])
    } finally {
      await storage.close()
    }

    expectNothingLostOffline(users, settled, removed)
    expect(users.flatMap((u) => u.errors).concat(fresh.errors), 'uncaught errors in the pages').toEqual([])
    expect(
      users.flatMap((u) => u.opErrors),
      'ops the editor refused'
    ).toEqual([])
    // A spell the page never noticed tested nothing: setOffline must really cut the connection.
    for (const u of users) expect(u.spellsFelt, `${u.name}'s offline spells felt`).toBe(u.spells)

    console.log(
      `seed ${seed}: ${users
        .map((u) => `${u.name} ${u.ops} ops (${u.offlineOps} offline, in ${u.spells} spells), ${u.reloads} reloads`)
        .join(
          '; '
        )}; ${settled.filter((r) => r.typeName === 'shape').length} shapes, ${settled.filter((r) => r.typeName === 'binding').length} bindings at the end; notices: ${JSON.stringify(users.flatMap((u) => u.notices.map((n) => `${u.name}: ${n}`)))}`
    )
  } catch (e) {
    console.error(
      `browser fuzz failed with seed ${seed}: replay with BROWSER_FUZZ_SEED=${seed}` +
        (STEPS === DEFAULT_STEPS ? '' : ` BROWSER_FUZZ_STEPS=${STEPS}`) +
        users.map((u) => `\n--- ${u.name} (notices: ${JSON.stringify(u.notices)})\n${u.log.join('\n')}`).join('')
    )
    throw e
  } finally {
    for (const ctx of contexts) await ctx.close()
    await server.close()
  }
}

async function openUser(ctx: BrowserContext, link: string, name: string, rnd: Random): Promise<User> {
  const notices: string[] = []
  await ctx.exposeBinding('opificioFuzzNotice', (_source, text: string) => void notices.push(text))
  await ctx.addInitScript(() => {
    new MutationObserver((mutations) => {
      for (const m of mutations) {
        for (const node of m.addedNodes) {
          if (!(node instanceof Element)) continue
          for (const notice of [node, ...node.querySelectorAll('.op-notice')].filter((n) => n.matches('.op-notice'))) {
            ;(window as any).opificioFuzzNotice(notice.querySelector('span')?.textContent ?? notice.textContent)
          }
        }
      }
    }).observe(document, { childList: true, subtree: true })
  })
  const { page, errors } = await joinBoard(ctx, link, name)
  // The page asks before a reload while edits are unconfirmed: the person says yes.
  page.on('dialog', (dialog) => void dialog.accept())
  return {
    name,
    ctx,
    page,
    rnd,
    errors,
    notices,
    offline: false,
    ops: 0,
    offlineOps: 0,
    offlineAdded: [],
    spells: 0,
    spellsFelt: 0,
    reloads: 0,
    log: [],
    opErrors: [],
  }
}

/** `STEPS` random steps: mostly an op, sometimes an offline spell or a reload with edits in flight. */
async function userLoop(u: User, seed: number, t0: number, removed: Set<string>) {
  const act = async () => {
    const op = { kind: pickKind(u.rnd), id: `shape:s${seed}-${u.name}-${u.ops}`, r: Array.from({ length: 8 }, () => u.rnd.next()) }
    u.ops++
    const result = await runEditorOp(u.page, op)
    for (const id of result.removed) removed.add(id)
    if (u.offline) {
      u.offlineOps++
      u.offlineAdded.push(...result.added)
    }
    if (result.error) u.opErrors.push(`${u.name}: ${result.did}: ${result.error}`)
    note(`${u.offline ? '[offline] ' : ''}${result.did}${result.error ? ' (threw)' : ''}`)
  }
  const note = (line: string) => u.log.push(`${String(Date.now() - t0).padStart(6)} ms  ${line}`)
  const reload = async () => {
    note('reload')
    await u.page.reload()
    await u.page.waitForFunction(() => Boolean((window as any).opificioEditor), undefined, { timeout: 30_000 })
    u.reloads++
  }

  for (let step = 0; step < STEPS; step++) {
    const roll = u.rnd.next()
    if (roll < 0.06) {
      const ms = 500 + u.rnd.int(2500)
      note(`offline for ${ms} ms`)
      u.offline = true
      u.spells++
      await u.ctx.setOffline(true)
      for (const end = Date.now() + ms; Date.now() < end; ) {
        await act()
        await sleep(u.rnd.int(150))
      }
      if (await u.page.locator('[data-connection]').count()) u.spellsFelt++
      await u.ctx.setOffline(false)
      u.offline = false
      note('online')
      // Often the page is reloaded at once, while what it did offline is being sent.
      if (u.rnd.chance(0.3)) await reload()
    } else if (roll < 0.09) {
      // A page cannot load offline, so reloads happen online, right after edits not yet confirmed.
      for (let i = 0, n = 1 + u.rnd.int(3); i < n; i++) await act()
      await reload()
    } else {
      await act()
    }
    await sleep(u.rnd.int(120))
  }
}

/**
 * Until every page is connected, keeps no unconfirmed edit and holds the server's document, for
 * 2 s in a row; returns that document.
 */
async function converge(users: User[], serverRecords: () => UnknownRecord[], ms = 30_000): Promise<UnknownRecord[]> {
  const start = Date.now()
  let stable = { key: '', since: 0 }
  for (;;) {
    const docs = await Promise.all(users.map((u) => pageDocument(u.page, DOC_TYPES)))
    const banners = await Promise.all(users.map((u) => u.page.locator('[data-connection]').count()))
    const kept = await Promise.all(users.map((u) => keptUnconfirmed(u.page)))
    const server = serverRecords()
    const keys = [server, ...docs].map((d) => canonical(sortedById(d)))
    const settled = banners.every((b) => b === 0) && kept.every((k) => k === 0) && keys.every((k) => k === keys[0])
    if (!settled) stable = { key: '', since: 0 }
    else if (keys[0] !== stable.key) stable = { key: keys[0], since: Date.now() }
    else if (Date.now() - stable.since >= 2000) return sortedById(server)
    if (Date.now() - start > ms) {
      const report = users.map(
        (u, i) => `${u.name}: banner ${banners[i]}, kept ${kept[i]}\n  ${divergences('server', server, u.name, docs[i]).join('\n  ')}`
      )
      throw new Error(`the pages did not settle on the server's document within ${ms} ms\n${report.join('\n')}`)
    }
    await sleep(250)
  }
}

/** Shapes and bindings a page made offline must be on the board, unless someone deleted them or a notice said why. */
function expectNothingLostOffline(users: User[], final: UnknownRecord[], removed: Set<string>) {
  const present = new Set<string>(final.map((r) => r.id))
  const lost = users.flatMap((u) =>
    u.offlineAdded
      // A group the fold dissolves because others took its shapes out meanwhile goes without a
      // notice, by design (as the editor itself dissolves it): a browser cannot tell that apart.
      .filter((r) => r.type !== 'group')
      .filter((r) => !present.has(r.id) && !removed.has(r.id))
      // A binding goes with either of its shapes.
      .filter((r) => r.typeName !== 'binding' || (present.has(r.fromId!) && present.has(r.toId!) && !removed.has(r.fromId!) && !removed.has(r.toId!)))
      .map((r) => `${u.name}: ${r.id}`)
  )
  const explained = users.flatMap((u) => u.notices.filter((n) => !/Ripristinat/.test(n)))
  if (lost.length && explained.length) console.log(`made offline and gone, with notices that say why: ${lost.join(', ')}; ${explained.join(' | ')}`)
  else expect(lost, 'made offline and gone without anyone deleting it or a notice').toEqual([])
}

/** JSON with keys sorted: two records that are equal give the same text, whatever order their keys were set in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v
  )
}

/** Record by record, how `b` differs from `a`: one line per record missing, extra or different (with the differing fields). */
function divergences(aName: string, a: UnknownRecord[], bName: string, b: UnknownRecord[]): string[] {
  const byId = (records: UnknownRecord[]) => new Map<string, UnknownRecord>(records.map((r) => [r.id, r]))
  const field = (r: UnknownRecord, key: string) => canonical((r as unknown as Record<string, unknown>)[key])
  const [byIdA, byIdB] = [byId(a), byId(b)]
  const lines: string[] = []
  for (const [id, ra] of byIdA) {
    const rb = byIdB.get(id)
    if (!rb) lines.push(`${id}: only in ${aName}`)
    else if (canonical(ra) !== canonical(rb)) {
      const fields = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter((k) => field(ra, k) !== field(rb, k))
      lines.push(`${id}: ${fields.map((k) => `${k} ${field(ra, k)} in ${aName}, ${field(rb, k)} in ${bName}`).join('; ')}`)
    }
  }
  for (const id of byIdB.keys()) if (!byIdA.has(id)) lines.push(`${id}: only in ${bName}`)
  return lines
}
