import type { UnknownRecord } from '@tldraw/store'
import { afterEach, describe, expect, it } from 'vitest'
import { restoreBoard } from '@opificio/server/testing'
import { geoShape } from '@opificio/shared/testing'
import { startCluster, type Cluster } from '../harness/cluster.ts'
import { headlessClient } from '../harness/headlessClient.ts'
import { isOwn, rawClient, type RawClient } from '../harness/rawClient.ts'
import { createBoard, until } from '../harness/server.ts'

/** This client's own pushes acknowledged or refused so far (it also receives everyone else's). */
const own = (w: RawClient) => w.entries.filter(isOwn).length
const shapeIds = (records: UnknownRecord[]) =>
  records
    .filter((r) => r.typeName === 'shape')
    .map((r) => r.id)
    .sort()

describe('an operator undoes vandalism', () => {
  let cluster: Cluster | null = null
  const closers: (() => void)[] = []
  afterEach(async () => {
    closers.splice(0).forEach((c) => c())
    await cluster?.stop()
    cluster = null
  })

  it('a wiped board, 500 edits later, is restored from a kept snapshot while the node runs and people watch', async () => {
    cluster = await startCluster(1)
    const url = cluster.urls[0]
    const board = await createBoard(url, 'Tavolo vandalizzato')
    const boardId = board.id
    const writers: RawClient[] = []
    for (let i = 0; i < 4; i++) {
      const w = rawClient(url, board.participant)
      closers.push(() => w.close())
      await w.join()
      writers.push(w)
    }
    // 20 shapes, then moves until the node compacts (every 500 entries) with them in its snapshot.
    const [a, b, c, d] = writers
    for (let i = 0; i < 20; i++) a.push(i + 1, { [`shape:keep${i}`]: ['put', geoShape(`keep${i}`)] })
    for (let i = 0; i < 240; i++) b.push(i + 1, { [`shape:keep${i % 20}`]: ['patch', { set: { x: i } }] })
    for (let i = 0; i < 240; i++) c.push(i + 1, { [`shape:keep${i % 20}`]: ['patch', { set: { y: i } }] })
    await until(() => own(a) === 20 && own(b) === 240 && own(c) === 240, 'the board drawn', 30_000)
    const storage = await cluster.openStorage()
    // The node compacts in the background once it has folded the 500th entry.
    let beforeWipe: { offset: number }[] = []
    for (const deadline = Date.now() + 10_000; beforeWipe.length === 0 && Date.now() < deadline; ) {
      beforeWipe = (await storage.listSnapshots(boardId)).filter((s) => s.offset >= 500)
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(beforeWipe.length).toBeGreaterThan(0)

    // The vandal: everything removed, then 500 scribbles so the wipe is compacted away too.
    const watcher = headlessClient(url, board.participant, 'watcher')
    closers.push(() => watcher.close())
    await until(() => watcher.state.connection === 'online', 'a watcher online')
    d.push(1, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`shape:keep${i}`, ['remove']])))
    for (let i = 0; i < 250; i++) d.push(i + 2, { [`shape:junk${i}`]: ['put', geoShape(`junk${i}`)] })
    for (let i = 0; i < 250; i++) a.push(i + 21, { [`shape:junk${i}`]: ['patch', { set: { x: i } }] })
    await until(() => own(d) === 251 && own(a) === 270, 'the vandalism stored', 30_000)
    await until(() => shapeIds(watcher.documentRecords()).every((id) => id.startsWith('shape:junk')), 'the wipe seen')

    const target = beforeWipe[0].offset
    const kept = await storage.readSnapshot(boardId, target)
    expect(shapeIds(kept!.records)).toEqual(Array.from({ length: 20 }, (_, i) => `shape:keep${i}`).sort())
    const at = await restoreBoard(storage, boardId, target)
    // 500 entries drawing, 501 vandalising, then the restore.
    expect(at).toBe(1002)
    await until(() => shapeIds(watcher.documentRecords()).join() === shapeIds(kept!.records).join(), 'the restore seen by the watcher', 10_000)
    const { snapshot, entries } = await storage.load(boardId)
    expect(entries.at(-1)!.clientId).toBe('operator:restore')
    expect(snapshot.offset + entries.length).toBe(at)
  })
})
