import { createInitialRecords, type BoardMeta, type DocDiff } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { afterEach, describe, expect, it } from 'vitest'
import {
  BoardNotFoundError,
  SnapshotExistsError,
  type BoardAccess,
  type BoardSnapshot,
  type LogEntry,
  type SavedSnapshot,
  type StorageEngine,
} from './types.ts'

/*
 * The storage rules (DESIGN.md "Storage: the same contract, two engines", storage/types.ts).
 * Every case below is named after the rule(s) it proves; every rule has at least one case.
 *
 * S1  Offsets start at 1 and have no gaps: each entry stored takes the next offset of its
 *     board, and a push that cannot be stored takes none.
 * S2  An append resolves only once its entry is durable: every acknowledged entry, and every
 *     stored snapshot, is there after the engine is closed and opened again on the same store.
 * S3  A (clientId, seq) at or below that client's last appended seq is a duplicate: it is
 *     answered { duplicate: true } and not appended; the dedupe state outlives a reopen and a
 *     compaction, and a push that could not be stored does not count as appended.
 * S4  load gives the latest snapshot and every entry after it, in offset order, each with the
 *     clientId, seq and diff it was appended with.
 * S5  subscribe gives every entry after `after`, in offset order, each once: those stored before
 *     it was called and those appended later, under concurrent appends, until it is undone.
 * S6  compact stores the snapshot; entries at or below its offset are then no longer loaded, and
 *     an older snapshot never replaces a newer one.
 * S7  Replaced snapshots are kept as history and pruned only by the retention policy
 *     (storage/snapshotRetention.ts): listSnapshots gives them oldest first with when each was
 *     taken, readSnapshot gives one back as it was stored, and null for one not kept.
 * S8  A board exists once created: getBoard gives its metadata back; for an unknown board
 *     getBoard is null, and load, append, listSnapshots and readSnapshot throw BoardNotFoundError.
 * S9  Boards are independent: each has its own offsets, dedupe state and log.
 * S10 A board's link tokens are stored with it, replaced whole by setAccess, durable across a
 *     reopen, and absent (null) for a board made without them or unknown: getAccess gives them
 *     back as last stored; setAccess on an unknown board throws BoardNotFoundError. They are
 *     never part of what is sent to clients: not in getBoard's metadata, a snapshot or the log.
 * S11 A saved snapshot (a facilitator's) is stored durably with its board and never changed:
 *     listSavedSnapshots gives the descriptions oldest first, readSavedSnapshot the whole of one as
 *     saved (null for an id not saved, whatever its form), a second save under an id is refused
 *     with SnapshotExistsError and changes nothing, and an unknown board throws
 *     BoardNotFoundError. Compaction, history pruning and other boards leave them alone.
 * S12 boardIds gives the id of every board created, once each.
 * S13 appendAll stores its pushes as appends one after another would (each its own offset or
 *     duplicate answer, a repeat of an earlier seq of the same call included), in one step: a
 *     push that cannot be stored refuses the whole call, none of it taking an offset or a seq.
 */

/** Makes engines over one backing store: `open` again after `close` must see everything durable. */
export interface EngineFactory {
  open(): Promise<StorageEngine>
  /**
   * Takes a board's link tokens away behind the engine's back, leaving the board as one made
   * before role links was (no access.json, no :access key); the engine is closed meanwhile.
   * Without it, the S10 case for such boards is skipped.
   */
  forgetAccess?(boardId: string): Promise<void>
}

let counter = 0
function newMeta(): BoardMeta {
  counter++
  return { id: `contract${Date.now().toString(36)}${counter}`, title: `Tavolo ${counter}`, createdAt: new Date().toISOString() }
}

function newAccess(): BoardAccess {
  counter++
  const token = (role: string) => `${role}Token${counter}${Math.random().toString(36).slice(2)}`
  return { facilitator: token('facilitator'), participant: token('participant'), projector: token('projector') }
}

/** Whether any token of `access` appears anywhere in `value`, serialized. */
function holdsAToken(value: unknown, access: BoardAccess) {
  const text = JSON.stringify(value)
  return Object.values(access).some((token) => text.includes(token))
}

function initialSnapshot(): BoardSnapshot {
  return { offset: 0, records: createInitialRecords('Pagina 1'), clientSeqs: {}, schema: { schemaVersion: 2 } }
}

function diff(n: number): DocDiff {
  return { [`shape:s${n}`]: ['remove'] }
}

function collect(engine: StorageEngine, boardId: string, after: number) {
  const seen: LogEntry[] = []
  const stop = engine.subscribe(boardId, after, (entries) => seen.push(...entries))
  return { seen, stop }
}

async function until(check: () => boolean, ms = 5000) {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** The contract every storage engine passes. */
export function describeStorageContract(name: string, factory: EngineFactory) {
  describe(`storage contract: ${name}`, () => {
    const engines: StorageEngine[] = []
    const open = async () => {
      const e = await factory.open()
      engines.push(e)
      return e
    }
    afterEach(async () => {
      for (const e of engines.splice(0)) await e.close()
    })

    it('S8: creates a board and reads its metadata back; an unknown board is null', async () => {
      const engine = await open()
      const meta = newMeta()
      await engine.createBoard(meta, initialSnapshot(), newAccess())
      expect(await engine.getBoard(meta.id)).toEqual(meta)
      expect(await engine.getBoard('doesnotexist123')).toBeNull()
      await expect(engine.load('doesnotexist123')).rejects.toBeInstanceOf(BoardNotFoundError)
    })

    it('S1, S3, S4: gives consecutive offsets and drops a retried (clientId, seq)', async () => {
      const engine = await open()
      const meta = newMeta()
      await engine.createBoard(meta, initialSnapshot(), newAccess())
      expect(await engine.append(meta.id, { clientId: 'clientAAA', seq: 1, diff: diff(1) })).toEqual({ offset: 1, duplicate: false })
      expect(await engine.append(meta.id, { clientId: 'clientBBB', seq: 1, diff: diff(2) })).toEqual({ offset: 2, duplicate: false })
      expect(await engine.append(meta.id, { clientId: 'clientAAA', seq: 1, diff: diff(1) })).toEqual({ duplicate: true })
      expect(await engine.append(meta.id, { clientId: 'clientAAA', seq: 2, diff: diff(3) })).toEqual({ offset: 3, duplicate: false })
      const { entries } = await engine.load(meta.id)
      expect(entries.map((e) => [e.offset, e.clientId, e.seq])).toEqual([
        [1, 'clientAAA', 1],
        [2, 'clientBBB', 1],
        [3, 'clientAAA', 2],
      ])
      expect(entries[2].diff).toEqual(diff(3))
    })

    it('S2, S3: keeps every acknowledged entry and the dedupe state across a reopen', async () => {
      const meta = newMeta()
      const first = await open()
      await first.createBoard(meta, initialSnapshot(), newAccess())
      await Promise.all([1, 2, 3].map((seq) => first.append(meta.id, { clientId: 'clientAAA', seq, diff: diff(seq) })))
      await first.close()
      const second = await open()
      expect(await second.getBoard(meta.id)).toEqual(meta)
      const { snapshot, entries } = await second.load(meta.id)
      expect(snapshot.offset).toBe(0)
      expect(entries.map((e) => e.offset)).toEqual([1, 2, 3])
      expect(await second.append(meta.id, { clientId: 'clientAAA', seq: 3, diff: diff(3) })).toEqual({ duplicate: true })
      expect(await second.append(meta.id, { clientId: 'clientAAA', seq: 4, diff: diff(4) })).toEqual({ offset: 4, duplicate: false })
    })

    it('S1, S5: tails entries in offset order, each once, from any point, under concurrent appends', async () => {
      const engine = await open()
      const meta = newMeta()
      await engine.createBoard(meta, initialSnapshot(), newAccess())
      await engine.append(meta.id, { clientId: 'clientAAA', seq: 1, diff: diff(0) })
      const fromStart = collect(engine, meta.id, 0)
      const fromOne = collect(engine, meta.id, 1)
      const writes: Promise<unknown>[] = []
      for (let c = 0; c < 5; c++) {
        for (let s = 1; s <= 40; s++) writes.push(engine.append(meta.id, { clientId: `client${c}xx`, seq: s + (c === 0 ? 1 : 0), diff: diff(s) }))
      }
      const results = await Promise.all(writes)
      const offsets = results.map((r) => (r as { offset: number }).offset).sort((a, b) => a - b)
      expect(offsets).toEqual(Array.from({ length: 200 }, (_, i) => i + 2))
      await until(() => fromStart.seen.length === 201 && fromOne.seen.length === 200)
      expect(fromStart.seen.map((e) => e.offset)).toEqual(Array.from({ length: 201 }, (_, i) => i + 1))
      expect(fromOne.seen[0].offset).toBe(2)
      for (let c = 0; c < 5; c++) {
        const seqs = fromStart.seen.filter((e) => e.clientId === `client${c}xx`).map((e) => e.seq)
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
      }
      fromStart.stop()
      fromOne.stop()
    })

    it('S2, S3, S4, S6: compacts: a reopened board loads the snapshot plus only what came after it', async () => {
      const meta = newMeta()
      const engine = await open()
      await engine.createBoard(meta, initialSnapshot(), newAccess())
      for (let s = 1; s <= 10; s++) await engine.append(meta.id, { clientId: 'clientAAA', seq: s, diff: diff(s) })
      const snap: BoardSnapshot = { ...initialSnapshot(), offset: 7, clientSeqs: { clientAAA: 7 } }
      await engine.compact(meta.id, snap)
      await engine.append(meta.id, { clientId: 'clientAAA', seq: 11, diff: diff(11) })
      await engine.close()
      const again = await open()
      const { snapshot, entries } = await again.load(meta.id)
      expect(snapshot.offset).toBe(7)
      expect(snapshot.clientSeqs).toEqual({ clientAAA: 7 })
      expect(entries.map((e) => e.offset)).toEqual([8, 9, 10, 11])
      expect(await again.append(meta.id, { clientId: 'clientAAA', seq: 9, diff: diff(9) })).toEqual({ duplicate: true })
      // Its entry is compacted away: the snapshot's clientSeqs still know it was appended.
      expect(await again.append(meta.id, { clientId: 'clientAAA', seq: 5, diff: diff(5) })).toEqual({ duplicate: true })
    })

    it('S2: compacts from each record’s JSON where the caller gives it, to the same board', async () => {
      const meta = newMeta()
      const engine = await open()
      await engine.createBoard(meta, initialSnapshot(), newAccess())
      for (let s = 1; s <= 3; s++) await engine.append(meta.id, { clientId: 'clientAAA', seq: s, diff: diff(s) })
      const snap: BoardSnapshot = { ...initialSnapshot(), offset: 3, clientSeqs: { clientAAA: 3 } }
      await engine.compact(
        meta.id,
        snap,
        snap.records.map((r) => new TextEncoder().encode(JSON.stringify(r)))
      )
      await engine.close()
      const again = await open()
      const { snapshot, entries } = await again.load(meta.id)
      expect(snapshot).toEqual(snap)
      expect(entries).toEqual([])
    })

    it('S7, S8: keeps replaced snapshots as history, each readable, and prunes the rest by the retention policy', async () => {
      const engine = await open()
      const meta = newMeta()
      const before = Date.now()
      await engine.createBoard(meta, initialSnapshot(), newAccess())
      const snap = (offset: number): BoardSnapshot => ({ ...initialSnapshot(), offset, clientSeqs: { clientAAA: offset } })
      for (let s = 1; s <= 30; s++) {
        await engine.append(meta.id, { clientId: 'clientAAA', seq: s, diff: diff(s) })
        await engine.compact(meta.id, snap(s))
      }
      const kept = await engine.listSnapshots(meta.id)
      const offsets = kept.map((k) => k.offset)
      // The newest ten, and the first of the hour (a second one if the test ran across an hour).
      expect(offsets.slice(0, 1)).toEqual([0])
      expect(offsets.slice(-10)).toEqual(Array.from({ length: 10 }, (_, i) => 21 + i))
      expect(offsets.length).toBeLessThanOrEqual(12)
      for (const k of kept) expect(k.takenAt).toBeGreaterThanOrEqual(before - 1000)
      for (const k of kept) expect(k.takenAt).toBeLessThanOrEqual(Date.now())
      expect(await engine.readSnapshot(meta.id, 25)).toEqual(snap(25))
      expect(await engine.readSnapshot(meta.id, 30)).toEqual(snap(30))
      expect(await engine.readSnapshot(meta.id, 0)).toEqual(initialSnapshot())
      expect(await engine.readSnapshot(meta.id, 5)).toBeNull()
      await expect(engine.listSnapshots('doesnotexist123')).rejects.toBeInstanceOf(BoardNotFoundError)
      await expect(engine.readSnapshot('doesnotexist123', 0)).rejects.toBeInstanceOf(BoardNotFoundError)
    })

    it('S2, S7: leaves wiped shapes recoverable from a kept snapshot after a wipe and 500 more pushes', async () => {
      const meta = newMeta()
      const first = await open()
      await first.createBoard(meta, initialSnapshot(), newAccess())
      const shapes = Array.from({ length: 20 }, (_, i) => ({ id: `shape:v${i}`, typeName: 'shape' }) as UnknownRecord)
      let seq = 0
      const push = (d: DocDiff) => first.append(meta.id, { clientId: 'clientAAA', seq: ++seq, diff: d })
      for (const shape of shapes) await push({ [shape.id]: ['put', shape] })
      const drawn: BoardSnapshot = {
        ...initialSnapshot(),
        offset: 20,
        records: [...initialSnapshot().records, ...shapes],
        clientSeqs: { clientAAA: 20 },
      }
      await first.compact(meta.id, drawn)
      await push(Object.fromEntries(shapes.map((s) => [s.id, ['remove']])))
      // Compacting five times as often as a room does (every 500 entries).
      for (let n = 1; n <= 500; n++) {
        const { offset } = (await push(diff(n))) as { offset: number }
        if (offset % 100 === 0) await first.compact(meta.id, { ...initialSnapshot(), offset, clientSeqs: { clientAAA: offset } })
      }
      await first.close()
      const second = await open()
      const restorable = []
      for (const { offset } of await second.listSnapshots(meta.id)) {
        const snapshot = await second.readSnapshot(meta.id, offset)
        if (shapes.every((shape) => snapshot?.records.some((r) => r.id === shape.id))) restorable.push(snapshot)
      }
      expect(restorable).toEqual([drawn])
    })

    it('S1, S3: a push that cannot be stored is refused without taking an offset or its seq', async () => {
      const engine = await open()
      const meta = newMeta()
      await engine.createBoard(meta, initialSnapshot(), newAccess())
      await engine.append(meta.id, { clientId: 'clientAAA', seq: 1, diff: diff(1) })
      const cyclic: Record<string, unknown> = { 'shape:c': ['put', { id: 'shape:c', typeName: 'shape' }] }
      ;((cyclic['shape:c'] as unknown[])[1] as Record<string, unknown>).self = cyclic
      await expect(engine.append(meta.id, { clientId: 'clientAAA', seq: 2, diff: cyclic as DocDiff })).rejects.toThrow()
      expect(await engine.append(meta.id, { clientId: 'clientAAA', seq: 2, diff: diff(2) })).toEqual({ offset: 2, duplicate: false })
      const { entries } = await engine.load(meta.id)
      expect(entries.map((e) => [e.offset, e.seq])).toEqual([
        [1, 1],
        [2, 2],
      ])
      expect(entries[1].diff).toEqual(diff(2))
    })

    it('S1, S3, S13: appends a group as one after another, in one step: none of it is stored if one push cannot be', async () => {
      const engine = await open()
      const meta = newMeta()
      await engine.createBoard(meta, initialSnapshot(), newAccess())
      await engine.append(meta.id, { clientId: 'clientAAA', seq: 1, diff: diff(1) })
      const results = await engine.appendAll(meta.id, [
        { clientId: 'clientAAA', seq: 1, diff: diff(1) },
        { clientId: 'clientAAA', seq: 2, diff: diff(2) },
        { clientId: 'clientBBB', seq: 1, diff: diff(3) },
        { clientId: 'clientAAA', seq: 2, diff: diff(2) },
        { clientId: 'clientAAA', seq: 3, diff: diff(4) },
      ])
      expect(results).toEqual([
        { duplicate: true },
        { offset: 2, duplicate: false },
        { offset: 3, duplicate: false },
        { duplicate: true },
        { offset: 4, duplicate: false },
      ])
      const cyclic: Record<string, unknown> = { 'shape:c': ['put', { id: 'shape:c', typeName: 'shape' }] }
      ;((cyclic['shape:c'] as unknown[])[1] as Record<string, unknown>).self = cyclic
      const poisoned = [
        { clientId: 'clientAAA', seq: 4, diff: diff(5) },
        { clientId: 'clientAAA', seq: 5, diff: cyclic as DocDiff },
      ]
      await expect(engine.appendAll(meta.id, poisoned)).rejects.toThrow()
      expect(await engine.appendAll(meta.id, [{ clientId: 'clientAAA', seq: 4, diff: diff(6) }])).toEqual([{ offset: 5, duplicate: false }])
      const { entries } = await engine.load(meta.id)
      expect(entries.map((e) => [e.offset, e.clientId, e.seq])).toEqual([
        [1, 'clientAAA', 1],
        [2, 'clientAAA', 2],
        [3, 'clientBBB', 1],
        [4, 'clientAAA', 3],
        [5, 'clientAAA', 4],
      ])
      expect(entries[4].diff).toEqual(diff(6))
    })

    it('S5: an undone subscription is given nothing more while the others go on', async () => {
      const engine = await open()
      const meta = newMeta()
      await engine.createBoard(meta, initialSnapshot(), newAccess())
      const stopped = collect(engine, meta.id, 0)
      const going = collect(engine, meta.id, 0)
      await engine.append(meta.id, { clientId: 'clientAAA', seq: 1, diff: diff(1) })
      await until(() => stopped.seen.length === 1 && going.seen.length === 1)
      stopped.stop()
      for (let s = 2; s <= 5; s++) await engine.append(meta.id, { clientId: 'clientAAA', seq: s, diff: diff(s) })
      await until(() => going.seen.length === 5)
      expect(going.seen.map((e) => e.offset)).toEqual([1, 2, 3, 4, 5])
      expect(stopped.seen.map((e) => e.offset)).toEqual([1])
      going.stop()
    })

    it('S6: an older snapshot never replaces a newer one', async () => {
      const engine = await open()
      const meta = newMeta()
      await engine.createBoard(meta, initialSnapshot(), newAccess())
      for (let s = 1; s <= 10; s++) await engine.append(meta.id, { clientId: 'clientAAA', seq: s, diff: diff(s) })
      const snap = (offset: number): BoardSnapshot => ({ ...initialSnapshot(), offset, clientSeqs: { clientAAA: offset } })
      await engine.compact(meta.id, snap(8))
      await engine.compact(meta.id, snap(5))
      const { snapshot, entries } = await engine.load(meta.id)
      expect(snapshot).toEqual(snap(8))
      expect(entries.map((e) => e.offset)).toEqual([9, 10])
    })

    it('S8: appending to an unknown board throws BoardNotFoundError', async () => {
      const engine = await open()
      await expect(engine.append('doesnotexist123', { clientId: 'clientAAA', seq: 1, diff: diff(1) })).rejects.toBeInstanceOf(BoardNotFoundError)
      expect(await engine.getBoard('doesnotexist123')).toBeNull()
    })

    it('S9: keeps boards apart', async () => {
      const engine = await open()
      const a = newMeta()
      const b = newMeta()
      await engine.createBoard(a, initialSnapshot(), newAccess())
      await engine.createBoard(b, initialSnapshot(), newAccess())
      await engine.append(a.id, { clientId: 'clientAAA', seq: 1, diff: diff(1) })
      expect((await engine.append(b.id, { clientId: 'clientAAA', seq: 1, diff: diff(1) })).duplicate).toBe(false)
      expect((await engine.load(b.id)).entries).toHaveLength(1)
    })

    it("S8, S10: stores a board's link tokens with it; an unknown board has none and cannot be given any", async () => {
      const engine = await open()
      const meta = newMeta()
      const access = newAccess()
      await engine.createBoard(meta, initialSnapshot(), access)
      expect(await engine.getAccess(meta.id)).toEqual(access)
      expect(await engine.getAccess('doesnotexist123')).toBeNull()
      await expect(engine.setAccess('doesnotexist123', newAccess())).rejects.toBeInstanceOf(BoardNotFoundError)
      expect(await engine.getAccess('doesnotexist123')).toBeNull()
      expect(await engine.getBoard('doesnotexist123')).toBeNull()
    })

    it('S2, S10: setAccess replaces the tokens whole, durably across a reopen', async () => {
      const meta = newMeta()
      const first = await open()
      await first.createBoard(meta, initialSnapshot(), newAccess())
      const rotated = newAccess()
      await first.setAccess(meta.id, rotated)
      expect(await first.getAccess(meta.id)).toEqual(rotated)
      const again = newAccess()
      await first.setAccess(meta.id, { ...again, projector: rotated.projector })
      await first.close()
      const second = await open()
      expect(await second.getAccess(meta.id)).toEqual({ ...again, projector: rotated.projector })
      expect(await second.getBoard(meta.id)).toEqual(meta)
    })

    it('S10: the last of concurrent rotations wins, whole', async () => {
      const engine = await open()
      const meta = newMeta()
      await engine.createBoard(meta, initialSnapshot(), newAccess())
      const rotations = Array.from({ length: 10 }, () => newAccess())
      await Promise.all(rotations.map((a) => engine.setAccess(meta.id, a)))
      expect(await engine.getAccess(meta.id)).toEqual(rotations.at(-1))
    })

    it('S10: what is passed in or given back is a copy; mutating it changes nothing stored', async () => {
      const engine = await open()
      const meta = newMeta()
      const access = newAccess()
      const kept = { ...access }
      await engine.createBoard(meta, initialSnapshot(), access)
      access.facilitator = 'changed'
      const read = (await engine.getAccess(meta.id))!
      read.participant = 'changed'
      expect(await engine.getAccess(meta.id)).toEqual(kept)
      const rotated = newAccess()
      const passed = { ...rotated }
      await engine.setAccess(meta.id, passed)
      passed.projector = 'changed'
      expect(await engine.getAccess(meta.id)).toEqual(rotated)
    })

    it("S9, S10: keeps each board's tokens apart, and out of its metadata, snapshots and log", async () => {
      const engine = await open()
      const a = newMeta()
      const b = newMeta()
      const accessA = newAccess()
      const accessB = newAccess()
      await engine.createBoard(a, initialSnapshot(), accessA)
      await engine.createBoard(b, initialSnapshot(), accessB)
      const { seen, stop } = collect(engine, a.id, 0)
      await engine.append(a.id, { clientId: 'clientAAA', seq: 1, diff: diff(1) })
      await engine.compact(a.id, { ...initialSnapshot(), offset: 1, clientSeqs: { clientAAA: 1 } })
      const rotated = newAccess()
      await engine.setAccess(a.id, rotated)
      await engine.append(a.id, { clientId: 'clientAAA', seq: 2, diff: diff(2) })
      await until(() => seen.length === 2)
      stop()
      expect(await engine.getAccess(a.id)).toEqual(rotated)
      expect(await engine.getAccess(b.id)).toEqual(accessB)
      const shown = [
        await engine.getBoard(a.id),
        await engine.load(a.id),
        seen,
        await engine.listSnapshots(a.id),
        await engine.readSnapshot(a.id, 0),
        await engine.readSnapshot(a.id, 1),
      ]
      for (const access of [accessA, rotated]) expect(holdsAToken(shown, access)).toBe(false)
      expect(Object.keys((await engine.getBoard(a.id))!).sort()).toEqual(Object.keys(a).sort())
    })

    const saved = (id: string, createdAt: number, snapshot: BoardSnapshot): SavedSnapshot => ({
      meta: { id, kind: 'phase', phase: 1, title: `Fase 1 «${id}»`, note: 'Uscita della fase – città', createdAt, createdBy: 'Giulia' },
      snapshot: { ...snapshot, clientSeqs: {} },
    })

    it('S2, S11: saves snapshots durably, lists them oldest first and reads each back whole', async () => {
      const meta = newMeta()
      const first = await open()
      await first.createBoard(meta, initialSnapshot(), newAccess())
      await first.append(meta.id, { clientId: 'clientAAA', seq: 1, diff: diff(1) })
      const atOne: BoardSnapshot = { ...initialSnapshot(), offset: 1, records: initialSnapshot().records.slice(1) }
      const later = saved('later', 2000, atOne)
      const earlier = saved('earlier', 1000, initialSnapshot())
      await first.saveSnapshot(meta.id, later)
      await first.saveSnapshot(meta.id, earlier)
      expect((await first.listSavedSnapshots(meta.id)).map((m) => m.id)).toEqual(['earlier', 'later'])
      await first.close()
      const second = await open()
      expect(await second.listSavedSnapshots(meta.id)).toEqual([earlier.meta, later.meta])
      expect(await second.readSavedSnapshot(meta.id, 'later')).toEqual(later)
      expect(await second.readSavedSnapshot(meta.id, 'none')).toBeNull()
      expect(await second.readSavedSnapshot(meta.id, '../access')).toBeNull()
    })

    it('S11: a saved snapshot is never replaced, and survives compaction and history pruning', async () => {
      const engine = await open()
      const meta = newMeta()
      await engine.createBoard(meta, initialSnapshot(), newAccess())
      const original = saved('fase1', 1000, initialSnapshot())
      await engine.saveSnapshot(meta.id, original)
      const impostor = { ...saved('fase1', 5000, initialSnapshot()), meta: { ...original.meta, title: 'Cambiata' } }
      await expect(engine.saveSnapshot(meta.id, impostor)).rejects.toBeInstanceOf(SnapshotExistsError)
      for (let seq = 1; seq <= 12; seq++) {
        await engine.append(meta.id, { clientId: 'clientAAA', seq, diff: diff(seq) })
        await engine.compact(meta.id, { ...initialSnapshot(), offset: seq, clientSeqs: { clientAAA: seq } })
      }
      expect(await engine.listSavedSnapshots(meta.id)).toEqual([original.meta])
      expect(await engine.readSavedSnapshot(meta.id, 'fase1')).toEqual(original)
    })

    it('S8, S9, S11: an unknown board has no saved snapshots and takes none; boards keep theirs apart; copies are copies', async () => {
      const engine = await open()
      const a = newMeta()
      const b = newMeta()
      await engine.createBoard(a, initialSnapshot(), newAccess())
      await engine.createBoard(b, initialSnapshot(), newAccess())
      const passed = saved('mine', 1000, initialSnapshot())
      await engine.saveSnapshot(a.id, passed)
      passed.meta.title = 'changed'
      expect(await engine.listSavedSnapshots(b.id)).toEqual([])
      expect(await engine.readSavedSnapshot(b.id, 'mine')).toBeNull()
      const read = (await engine.readSavedSnapshot(a.id, 'mine'))!
      expect(read.meta.title).toBe('Fase 1 «mine»')
      read.snapshot.records.length = 0
      expect((await engine.readSavedSnapshot(a.id, 'mine'))!.snapshot.records.length).toBeGreaterThan(0)
      await expect(engine.saveSnapshot('contractNoSuchBoard', saved('x', 1, initialSnapshot()))).rejects.toBeInstanceOf(BoardNotFoundError)
      await expect(engine.listSavedSnapshots('contractNoSuchBoard')).rejects.toBeInstanceOf(BoardNotFoundError)
      await expect(engine.readSavedSnapshot('contractNoSuchBoard', 'x')).rejects.toBeInstanceOf(BoardNotFoundError)
      await expect(engine.saveSnapshot(a.id, saved('../../escape', 1, initialSnapshot()))).rejects.toBeInstanceOf(TypeError)
    })

    it('S12: lists every board created, once', async () => {
      const engine = await open()
      const metas = [newMeta(), newMeta(), newMeta()]
      for (const m of metas) await engine.createBoard(m, initialSnapshot(), newAccess())
      const ids = await engine.boardIds()
      for (const m of metas) expect(ids.filter((id) => id === m.id)).toEqual([m.id])
      expect(new Set(ids).size).toBe(ids.length)
    })

    it.skipIf(!factory.forgetAccess)('S10: a board made before role links has no tokens (null) until it is given some', async () => {
      const meta = newMeta()
      const first = await open()
      await first.createBoard(meta, initialSnapshot(), newAccess())
      await first.append(meta.id, { clientId: 'clientAAA', seq: 1, diff: diff(1) })
      await first.close()
      await factory.forgetAccess!(meta.id)
      const second = await open()
      expect(await second.getBoard(meta.id)).toEqual(meta)
      expect(await second.getAccess(meta.id)).toBeNull()
      expect((await second.load(meta.id)).entries.map((e) => e.offset)).toEqual([1])
      const given = newAccess()
      await second.setAccess(meta.id, given)
      await second.close()
      const third = await open()
      expect(await third.getAccess(meta.id)).toEqual(given)
    })
  })
}
