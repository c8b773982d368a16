// @vitest-environment happy-dom
// The seeded convergence fuzz, driven through real tldraw editors: edits are made as a user makes
// them (the Editor API, tldraw's side effects on), on three devices that go offline and reload
// with unsent edits kept as the browser keeps them.
import type { UnknownRecord } from '@tldraw/store'
import { isDeepStrictEqual } from 'node:util'
import { createShapeId, type TLShape, type TLShapeId } from 'tldraw'
import { afterEach, describe, expect, it } from 'vitest'
import { EmbeddedStorage } from '@opificio/server/testing'
import { expectDurableAndEqual, settle } from '../harness/fuzz.ts'
import { createBoardOverHttp, device, openEditorPage, type Device, type EditorPage } from '../harness/editorPage.ts'
import { sortedById } from '../harness/headlessClient.ts'
import { seededRandom, type Random } from '../harness/random.ts'
import { startServer } from '../harness/server.ts'

// Seeds 1..40 in CI (a seed takes about a second: half a minute in all), 5 by hand; EDITOR_FUZZ_SEEDS=200 for more,
// EDITOR_FUZZ_SEED=17 EDITOR_FUZZ_SEEDS=1 to replay one. Timing is real, so a replay takes the
// same random choices but not always the same interleaving with the network.
const SEEDS = Number(process.env.EDITOR_FUZZ_SEEDS ?? (process.env.CI ? 40 : 5))
const FIRST_SEED = Number(process.env.EDITOR_FUZZ_SEED ?? 1)
const STEPS = Number(process.env.EDITOR_FUZZ_STEPS ?? 120)
const DEVICES = 3

/** What one step did: the records it changed are what a divergence is traced back through. */
interface Step {
  step: number
  page: string
  offline: boolean
  op: string
  /** A network loss or a reload rather than an edit: kept in every trace. */
  network: boolean
  changed: string[]
}

/** What the users did, to tell at the end whether an edit was lost. */
interface History {
  steps: Step[]
  /**
   * Shapes that appeared through a user's edit (an undo or redo included), with the device, when
   * (Date.now()) and whether it was offline. Offline edits are the point; online ones cost nothing
   * more to check, and a reload can catch them unsent too.
   */
  added: Map<string, { device: Device; at: number; offline: boolean }>
  /** Shapes some user's edit removed (tldraw's own clean-up of that edit included). */
  deleted: Set<string>
  /** Exceptions the editor threw on a user's edit, with the step: a user would have seen the board fail. */
  thrown: string[]
}

describe('real tldraw editors converge under the full op mix, offline spells and reloads', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    it(`seed ${seed}: every editor equals the server, every acknowledged push is logged, no edit is lost untold`, async () => {
      const started = Date.now()
      try {
        await runSeed(seed, cleanups)
      } catch (e) {
        console.error(`editor fuzz failed with seed ${seed}: replay with EDITOR_FUZZ_SEED=${seed} EDITOR_FUZZ_SEEDS=1`)
        throw e
      } finally {
        console.info(`editor fuzz seed ${seed}: ${Date.now() - started} ms`)
      }
    })
  }
})

async function runSeed(seed: number, cleanups: (() => Promise<void> | void)[]) {
  const rnd = seededRandom(seed)
  // A small catch-up window and frequent compaction make reconnects take both paths: entries and snapshot.
  const server = await startServer({ room: { catchUpWindow: 20, compactEvery: 40, tickMs: 4 } })
  cleanups.push(() => server.close())
  const board = await createBoardOverHttp(server.url)
  const boardId = board.id
  const devices = Array.from({ length: DEVICES }, (_, i) => device(`d${i}`))
  for (const d of devices) await openEditorPage(server.url, board.participant, d)
  const current = () => devices.map((d) => d.pages.at(-1)!)
  cleanups.push(() => current().forEach((p) => p.close()))

  const history: History = { steps: [], added: new Map(), deleted: new Set(), thrown: [] }
  const reconnects = new Map<Device, ReturnType<typeof setTimeout>>()
  const reconnect = (d: Device) => {
    clearTimeout(reconnects.get(d))
    reconnects.delete(d)
    const page = d.pages.at(-1)!
    if (!page.link.connected) page.link.connect()
  }

  for (let step = 0; step < STEPS; step++) {
    const d = rnd.pick(devices)!
    const page = d.pages.at(-1)!
    const roll = rnd.next()
    if (roll < 0.04 && page.link.connected && !reconnects.has(d)) {
      // An offline spell: the page keeps editing, and its edits wait for the network.
      page.link.disconnect()
      reconnects.set(
        d,
        setTimeout(() => reconnect(d), 100 + rnd.int(400))
      )
      history.steps.push({ step, page: page.name, offline: true, op: 'network lost', network: true, changed: [] })
    } else if (roll < 0.07) {
      // A reload, often with edits not yet sent or not yet confirmed. The new page finds the
      // network back: an offline spell ends with the page that had it.
      clearTimeout(reconnects.get(d))
      reconnects.delete(d)
      const unconfirmed = page.state.unconfirmed
      page.close()
      const next = await openEditorPage(server.url, board.participant, d)
      history.steps.push({ step, page: next.name, offline: false, op: `reload (${unconfirmed} unconfirmed)`, network: true, changed: [] })
    } else {
      history.steps.push(userStep(page, rnd, step, history))
    }
    if (rnd.chance(0.4)) await new Promise((r) => setTimeout(r, rnd.int(15)))
  }
  for (const d of devices) reconnect(d)

  const room = (await server.app.rooms.get(boardId))!
  const pages = current()
  await settle(pages, () => room.offset)
  console.info(`editor fuzz seed ${seed}: ${summary(history, devices)}`)
  if (history.thrown.length) console.error(history.thrown.join('\n'))
  try {
    const stored = sortedById(room.documentRecords)
    for (const p of pages) expect(sortedById(p.documentRecords()), `${p.name} equals the server`).toEqual(stored)
  } catch (e) {
    console.error(divergence(pages, room.documentRecords, history))
    throw e
  }

  // What the server folded is what it stored: read the board from disk, as after a restart.
  const reread = new EmbeddedStorage(server.dataDir)
  const durable = await expectDurableAndEqual(reread, boardId, pages)
  await expectRetiredAcksLogged(reread, boardId, devices)
  await reread.close()
  expect(devices.flatMap((d) => d.pages).filter((p) => p.acks.length > 0).length, 'pages with an acknowledged push').toBeGreaterThanOrEqual(DEVICES)
  expectNoEditLost(history, devices, durable)
  expect(
    history.thrown.map((t) => t.split('\n')[0]),
    'user edits on which the editor threw'
  ).toEqual([])
}

/** What a run exercised, so that a green run shows it covered something. */
function summary(history: History, devices: Device[]) {
  const count = (what: (s: Step) => boolean) => history.steps.filter(what).length
  const kinds = new Map<string, number>()
  for (const s of history.steps) {
    const kind = s.op
      .split(' ')
      .slice(0, s.op.startsWith('create') ? 2 : 1)
      .join(' ')
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
  }
  return [
    [...kinds].map(([k, n]) => `${k} ${n}`).join(', '),
    `${count((s) => !s.network && s.changed.length === 0)} edits changed nothing`,
    `${count((s) => s.offline && !s.network)} offline edits`,
    `${count((s) => /^reload \([1-9]/.test(s.op))} reloads with unconfirmed edits`,
    `${devices.flatMap((d) => d.adjustments).length} adjustments`,
    `${devices.flatMap((d) => d.rejections).length} rejections`,
    `${history.thrown.length} editor exceptions`,
  ].join('; ')
}

/**
 * One random user action through the editor, as the UI makes it: a history stopping point, then
 * the change, tldraw's side effects included. Notes which document records it changed; an
 * exception the editor throws is a finding, kept to fail the run once convergence is checked.
 */
function userStep(page: EditorPage, rnd: Random, n: number, history: History): Step {
  const before = new Map(page.documentRecords().map((r) => [r.id, r]))
  const offline = page.state.connection !== 'online'
  const { op, run } = plan(page, rnd, n)
  let failure = ''
  try {
    run()
  } catch (e) {
    failure = ` THREW ${(e as Error).message}`
    history.thrown.push(`step ${n} on ${page.name}: ${op}: ${(e as Error).stack}`)
  }
  const after = new Map(page.documentRecords().map((r) => [r.id, r]))
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((id) => before.get(id) !== after.get(id))
  for (const id of changed) {
    const was = before.get(id)
    const is = after.get(id)
    if (was?.typeName === 'shape' && !is) history.deleted.add(id)
    // A group is structure, not content: the fold dissolves one left with fewer than two shapes,
    // as tldraw itself does, without a notice; what was in it is still checked shape by shape.
    if (is?.typeName === 'shape' && !was && (is as { type?: string }).type !== 'group') {
      history.added.set(id, { device: page.device, at: Date.now(), offline })
    }
  }
  return { step: n, page: page.name, offline, op: op + failure, network: false, changed }
}

function plan(page: EditorPage, rnd: Random, n: number): { op: string; run(): void } {
  const e = page.editor
  const all = e.getCurrentPageShapes()
  const boxes = all.filter((s) => s.type === 'geo')
  const frames = all.filter((s) => s.type === 'frame')
  const newId = (what: string) => createShapeId(`${page.device.name}-${what}-${n}`)
  const roll = rnd.next()
  const edit = (op: string, change: () => void) => ({
    op,
    run: () => {
      e.markHistoryStoppingPoint(`step ${n}`)
      change()
    },
  })

  if (roll < 0.07) return { op: 'undo', run: () => e.undo() }
  if (roll < 0.11) return { op: 'redo', run: () => e.redo() }
  if (roll < 0.3 || boxes.length < 2) {
    const id = newId('box')
    const frame = rnd.chance(0.3) ? rnd.pick(frames) : undefined
    const [x, y, w, h] = [rnd.int(1000), rnd.int(800), 40 + rnd.int(160), 40 + rnd.int(120)]
    return edit(`create geo ${id}${frame ? ` in ${frame.id}` : ''}`, () =>
      e.createShape({ id, type: 'geo', parentId: frame?.id, x, y, props: { w, h } })
    )
  }
  if (roll < 0.44) {
    const s = rnd.pick(all)!
    const [x, y] = [s.x + rnd.int(300) - 150, s.y + rnd.int(300) - 150]
    return edit(`move ${s.id}`, () => e.updateShapes([{ id: s.id, type: s.type, x, y }]))
  }
  if (roll < 0.5) {
    const s = rnd.pick(all.filter((x) => x.type !== 'arrow'))!
    const scale = { x: 0.6 + rnd.next(), y: 0.6 + rnd.next() }
    return edit(`resize ${s.id}`, () => e.resizeShape(s.id, scale))
  }
  if (roll < 0.61) return arrow(page, rnd, newId('arrow'), boxes, edit)
  if (roll < 0.66) {
    const id = newId('frame')
    const [x, y, rotation, w, h] = [rnd.int(900), rnd.int(700), rnd.chance(0.2) ? rnd.next() : 0, 300 + rnd.int(300), 200 + rnd.int(200)]
    return edit(`create frame ${id}`, () => e.createShape({ id, type: 'frame', x, y, rotation, props: { w, h } }))
  }
  if (roll < 0.75) {
    // Into a frame (never one inside the shape itself), or out onto the page.
    const s = rnd.pick(all)!
    const into = rnd.chance(0.6) ? rnd.pick(frames.filter((f) => f.id !== s.id && !e.hasAncestor(f, s.id))) : undefined
    return edit(`reparent ${s.id} into ${into?.id ?? 'the page'}`, () => e.reparentShapes([s.id], into?.id ?? e.getCurrentPageId()))
  }
  if (roll < 0.81) {
    // Shapes side by side, as a user selects them to group.
    const parentId = rnd.pick(all)!.parentId
    const members = all.filter((s) => s.parentId === parentId && rnd.chance(0.6)).map((s) => s.id)
    return edit(`group ${members.join(' ')}`, () => e.groupShapes(members))
  }
  if (roll < 0.85) {
    const group = rnd.pick(all.filter((s) => s.type === 'group'))
    return edit(`ungroup ${group?.id ?? '(none)'}`, () => group && e.ungroupShapes([group.id]))
  }
  const victim = rnd.pick(all)!
  return edit(`delete ${victim.id}`, () => e.deleteShapes([victim.id]))
}

/** An arrow drawn from one shape to another, its ends bound (one left free now and then), as one change. */
function arrow(
  page: EditorPage,
  rnd: Random,
  id: TLShapeId,
  boxes: TLShape[],
  edit: (op: string, change: () => void) => { op: string; run(): void }
) {
  const e = page.editor
  const from = rnd.pick(boxes)!
  const to = rnd.pick(boxes.filter((b) => b.id !== from.id))!
  const freeEnd = rnd.chance(0.2)
  const bind = (terminal: 'start' | 'end', toId: TLShapeId) => ({
    type: 'arrow' as const,
    fromId: id,
    toId,
    props: { terminal, normalizedAnchor: { x: rnd.next(), y: rnd.next() }, isExact: false, isPrecise: rnd.chance(0.5) },
  })
  const bindings = freeEnd ? [bind('start', from.id)] : [bind('start', from.id), bind('end', to.id)]
  return edit(`arrow ${id} from ${from.id} to ${freeEnd ? '(free)' : to.id}`, () => {
    const a = e.getShapePageBounds(from)!.center
    const b = e.getShapePageBounds(to)!.center
    e.run(() => {
      e.createShape({ id, type: 'arrow', x: a.x, y: a.y, props: { start: { x: 0, y: 0 }, end: { x: b.x - a.x, y: b.y - a.y } } })
      e.createBindings(bindings)
    })
  })
}

/** Acknowledgements a reloaded page received are in the log too, under the key that page pushed with. */
async function expectRetiredAcksLogged(storage: EmbeddedStorage, boardId: string, devices: Device[]) {
  const { snapshot, entries } = await storage.load(boardId)
  const logged = new Map(entries.map((e) => [e.offset, e]))
  for (const page of devices.flatMap((d) => d.pages.slice(0, -1))) {
    for (const ack of page.acks) {
      if (ack.offset <= snapshot.offset) {
        expect(snapshot.clientSeqs[page.writerId] ?? 0, `ack ${ack.seq}@${ack.offset} of ${page.name} in the snapshot`).toBeGreaterThanOrEqual(
          ack.seq
        )
        continue
      }
      const entry = logged.get(ack.offset)
      expect(entry && { clientId: entry.clientId, seq: entry.seq }, `ack ${ack.seq}@${ack.offset} of ${page.name}`).toEqual({
        clientId: page.writerId,
        seq: ack.seq,
      })
    }
  }
}

/**
 * No edit is lost unless it conflicted: every shape a user's edit made (offline ones above all) is
 * on the board, or a user's edit removed it later, or a device was told (the fold dropped or
 * removed it, or refused a push of its author's made since).
 */
function expectNoEditLost(history: History, devices: Device[], final: UnknownRecord[]) {
  const present = new Set<string>(final.map((r) => r.id))
  const told = new Set(devices.flatMap((d) => d.adjustments.filter((a) => a.what === 'dropped' || a.what === 'removed').map((a) => a.id)))
  const lost = [...history.added].filter(
    ([id, { device, at }]) => !present.has(id) && !history.deleted.has(id) && !told.has(id) && !device.rejections.some((r) => r.at >= at)
  )
  if (lost.length) console.error(trace(history, new Set(lost.map(([id]) => id))))
  expect(
    lost.map(([id, { device, offline }]) => `${id}, made ${offline ? 'offline' : 'online'} on ${device.name}`),
    'shapes gone without anyone deleting them or being told'
  ).toEqual([])
}

/** Which records differ between each editor and the server, field by field, and the steps that touched them. */
function divergence(pages: EditorPage[], server: UnknownRecord[], history: History): string {
  const theirs = new Map(server.map((r) => [r.id, r]))
  const lines: string[] = []
  const ids = new Set<string>()
  for (const p of pages) {
    const mine = new Map(p.documentRecords().map((r) => [r.id, r]))
    for (const id of new Set([...mine.keys(), ...theirs.keys()])) {
      const [a, b] = [mine.get(id), theirs.get(id)]
      if (isDeepStrictEqual(a, b)) continue
      ids.add(id)
      if (!a || !b) {
        lines.push(`${p.name}: ${id} only ${a ? 'in the editor' : 'on the server'}`)
        continue
      }
      const [x, y] = [a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>]
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (!isDeepStrictEqual(x[k], y[k])) lines.push(`${p.name}: ${id}.${k} editor ${JSON.stringify(x[k])} server ${JSON.stringify(y[k])}`)
      }
    }
  }
  return `divergence:\n${lines.join('\n')}\n${trace(history, ids)}`
}

/** The steps that changed any of `ids`, with every network loss and reload among them. */
function trace(history: History, ids: Set<string>): string {
  const relevant = history.steps.filter((s) => s.network || s.changed.some((id) => ids.has(id)))
  return `steps touching ${[...ids].join(' ')}:\n${relevant.map((s) => `  ${s.step} ${s.page}${s.offline ? ' (offline)' : ''}: ${s.op} → ${s.changed.join(' ')}`).join('\n')}`
}
