import { FIRST_PAGE_ID } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { createBindingId, createShapeId } from '@tldraw/tlschema'
import { expect } from 'vitest'
import { BoardState, type StorageEngine } from '@opificio/server/testing'
import { arrowBinding, arrowShape, geoShape } from '@opificio/shared/testing'
import { sortedById, type HeadlessClient } from './headlessClient.ts'
import type { Random } from './random.ts'
import { until } from './server.ts'

const COLORS = ['black', 'red', 'blue', 'green', 'orange', 'violet']

type Rec = UnknownRecord & { type?: string; parentId?: string; index?: string; fromId?: string; toId?: string; props?: Record<string, unknown> }

function shapes(c: HeadlessClient) {
  return c.documentRecords().filter((r) => r.typeName === 'shape') as Rec[]
}

/**
 * What the users of a fuzz run did, to tell at the end whether an edit was lost: a shape someone
 * added is either on the board, or someone deleted it, or the fold said it left it out.
 */
export interface FuzzLog {
  /** Shapes added, by id, with who added them. */
  added: Map<string, string>
  /** Shapes some user deleted (with what the editor deletes along: children). */
  deleted: Set<string>
}

export function fuzzLog(): FuzzLog {
  return { added: new Map(), deleted: new Set() }
}

/** One random user action, made the way the editor makes it: one store transaction. */
export function act(c: HeadlessClient, rnd: Random, n: number, log?: FuzzLog) {
  const { store } = c
  const all = shapes(c)
  const boxes = all.filter((s) => s.type === 'geo')
  const containers = all.filter((s) => s.type === 'frame' || s.type === 'group')
  const add = (records: Rec[]) => {
    for (const r of records) if (r.typeName === 'shape') log?.added.set(r.id, c.name)
    store.put(records as never)
  }
  const roll = rnd.next()
  if (roll < 0.25 || boxes.length < 2) {
    const parent = rnd.chance(0.3) ? (rnd.pick(containers)?.id ?? FIRST_PAGE_ID) : FIRST_PAGE_ID
    add([geoShape(`${c.name}-${n}`, { x: rnd.int(1000), y: rnd.int(800), parentId: parent }) as Rec])
  } else if (roll < 0.5) {
    const s = rnd.pick(all)!
    const recolour = rnd.chance(0.5) && s.props && 'color' in s.props
    const next = recolour ? { ...s, props: { ...s.props, color: rnd.pick(COLORS) } } : { ...s, x: rnd.int(1000), y: rnd.int(800) }
    store.put([next as never])
  } else if (roll < 0.6) {
    const [from, to] = [rnd.pick(boxes)!, rnd.pick(boxes)!]
    const arrowId = createShapeId(`${c.name}-arrow-${n}`)
    add([
      arrowShape(arrowId) as Rec,
      arrowBinding(createBindingId(`${c.name}-s-${n}`).slice(8), arrowId, from.id, 'start') as Rec,
      arrowBinding(createBindingId(`${c.name}-e-${n}`).slice(8), arrowId, to.id, 'end') as Rec,
    ])
  } else if (roll < 0.65) {
    const frame = {
      ...geoShape(`${c.name}-frame-${n}`, { x: rnd.int(800), y: rnd.int(600), rotation: rnd.chance(0.3) ? rnd.next() : 0 }),
      type: 'frame',
      props: { w: 400, h: 300, name: 'Tavolo', color: 'black' },
    }
    add([frame as Rec])
  } else if (roll < 0.72) {
    // Group two or more shapes that share a parent, as the editor's "group" does.
    const parentId = rnd.pick(all)!.parentId!
    const members = all.filter((s) => s.parentId === parentId && rnd.chance(0.6))
    if (members.length < 2) return
    const group = { ...geoShape(`${c.name}-group-${n}`, { parentId, index: members[0].index }), type: 'group', props: {} }
    add([group as Rec])
    store.put(members.map((s) => ({ ...s, parentId: group.id })) as never)
  } else if (roll < 0.8) {
    // Move a shape into a group or frame, or out onto the page.
    const s = rnd.pick(all)!
    const target = rnd.chance(0.5) ? rnd.pick(containers.filter((f) => f.id !== s.id)) : undefined
    store.put([{ ...s, parentId: target?.id ?? FIRST_PAGE_ID, x: rnd.int(300), y: rnd.int(200) } as never])
  } else if (roll < 0.93) {
    const victim = rnd.pick(all)!
    // As the editor does: deleting a shape deletes its bindings and its children.
    const doomed = new Set<string>([victim.id])
    for (let grew = true; grew; ) {
      grew = false
      for (const s of all) if (s.parentId && doomed.has(s.parentId) && !doomed.has(s.id)) doomed.add(s.id), (grew = true)
    }
    const bindings = c.documentRecords().filter((r) => {
      const b = r as Rec
      return r.typeName === 'binding' && (doomed.has(b.fromId!) || doomed.has(b.toId!))
    })
    for (const id of doomed) log?.deleted.add(id)
    store.remove([...doomed, ...bindings.map((b) => b.id)] as never)
  } else {
    const binding = rnd.pick(c.documentRecords().filter((r) => r.typeName === 'binding'))
    if (binding) store.remove([binding.id] as never)
  }
}

/**
 * No edit lost unless it conflicted: every shape a user added is on the board, or a user deleted
 * it, or the fold told someone it left it out (dropped, or a group dissolved).
 */
export function expectNoEditLost(log: FuzzLog, clients: HeadlessClient[], final: UnknownRecord[]) {
  const present = new Set<string>(final.map((r) => r.id))
  const accounted = new Set<string>(
    clients.flatMap((c) => c.adjustments.filter((a) => a.what === 'dropped' || a.what === 'removed').map((a) => a.id))
  )
  const lost = [...log.added].filter(([id]) => !present.has(id) && !log.deleted.has(id) && !accounted.has(id))
  expect(lost, 'shapes gone without anyone deleting them or being told').toEqual([])
}

export function describeClients(clients: HeadlessClient[]) {
  return JSON.stringify(clients.map((c) => ({ name: c.name, ...c.state, lastOffset: c.sync.lastOffset, connected: c.link.connected })))
}

/** Until every client is online, has nothing unconfirmed, and stands at the same offset (the server's, when given). */
export async function settle(clients: HeadlessClient[], serverOffset?: () => number, ms = 30_000) {
  const target = () => serverOffset?.() ?? clients[0].sync.lastOffset
  await until(
    () => clients.every((c) => c.state.connection === 'online' && c.state.unconfirmed === 0 && c.sync.lastOffset === target()),
    () => `every client online, confirmed and at offset ${target()}: ${describeClients(clients)}`,
    ms
  )
}

/**
 * Reads the board back from storage as a restarted server would, and checks that it is what
 * every client has, and that every acknowledgement points at its own entry in the log.
 */
export async function expectDurableAndEqual(storage: StorageEngine, boardId: string, clients: HeadlessClient[]) {
  const { snapshot, entries } = await storage.load(boardId)
  const durable = sortedById([...new BoardState(snapshot, entries).records.values()])
  for (const c of clients) expect(sortedById(c.documentRecords()), `client ${c.name}`).toEqual(durable)
  const pushes = entries.map((e) => `${e.clientId}:${e.seq}`)
  expect(new Set(pushes).size, 'no push stored twice').toBe(pushes.length)
  const logged = new Map(entries.map((e) => [e.offset, e]))
  for (const c of clients) {
    for (const ack of c.acks) {
      if (ack.offset <= snapshot.offset) {
        expect(snapshot.clientSeqs[c.writerId] ?? 0, `ack ${ack.seq}@${ack.offset} of ${c.name} in the snapshot`).toBeGreaterThanOrEqual(ack.seq)
        continue
      }
      const entry = logged.get(ack.offset)
      expect(entry && { clientId: entry.clientId, seq: entry.seq }, `ack ${ack.seq}@${ack.offset} of ${c.name}`).toEqual({
        clientId: c.writerId,
        seq: ack.seq,
      })
    }
  }
  return durable
}

/** Every client keeps acting, one at a time, until stopped: load while something breaks. */
export function keepActing(clients: HeadlessClient[], rnd: Random, everyMs = 5) {
  let n = 100_000
  const timer = setInterval(() => act(rnd.pick(clients)!, rnd, n++), everyMs)
  return () => clearInterval(timer)
}

/** A fuzz run that acknowledged almost nothing proved almost nothing. Pushes are coalesced at 30 Hz, so many actions share one. */
export function expectMostClientsAcknowledged(clients: HeadlessClient[]) {
  expect(clients.filter((c) => c.acks.length >= 3).length).toBeGreaterThanOrEqual(Math.ceil(clients.length / 2))
}

/**
 * The fuzz itself: `steps` random actions by random clients, with random pauses and, now and
 * then, a client dropping off for a while (and editing offline meanwhile). Ends with all online.
 */
export async function fuzzSteps(clients: HeadlessClient[], rnd: Random, steps: number, log?: FuzzLog) {
  await until(() => clients.every((c) => c.state.connection === 'online'), 'clients online')
  for (let step = 0; step < steps; step++) {
    const c = rnd.pick(clients)!
    if (rnd.next() < 0.05 && c.link.connected) {
      c.link.disconnect()
      setTimeout(() => c.link.connect(), rnd.int(150))
    } else {
      act(c, rnd, step, log)
    }
    if (rnd.chance(0.4)) await new Promise((r) => setTimeout(r, rnd.int(15)))
  }
  for (const c of clients) if (!c.link.connected) c.link.connect()
}
