import { EV, welcomeRecords } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { afterEach, describe, expect, it } from 'vitest'
import { BoardState, EmbeddedStorage } from '@opificio/server/testing'
import { geoShape, presenceRecord } from '@opificio/shared/testing'
import { headlessClient, type HeadlessClient } from '../harness/headlessClient.ts'
import { deeplyNestedJson, isOwn, percentile, rawClient, refusalOf, rssMiB, seqOf } from '../harness/rawClient.ts'
import { createBoard, until, type TestBoard } from '../harness/server.ts'
import { spawnServer, stopServer, type ServerProcess } from '../harness/serverProcess.ts'

/**
 * One regression test per attack found against a real server process (issue 7): each sends
 * the attack as it was sent then, and checks that the server stays up, the attacker is refused
 * with a code, and honest people keep working.
 */
describe('attacks on a real server', () => {
  let server: ServerProcess
  /** Honest people and attackers alike come in by the participants' link, which anyone in the room may have. */
  let board: TestBoard
  const closers: (() => void)[] = []
  const honest = (name: string) => {
    const c = headlessClient(server.url, board.participant, name)
    closers.push(() => c.close())
    return c
  }
  const attacker = (opts: Parameters<typeof rawClient>[2] = {}) => {
    const c = rawClient(server.url, board.participant, opts)
    closers.push(() => c.close())
    return c
  }
  async function start(env: Record<string, string> = {}) {
    server = await spawnServer({ env })
    board = await createBoard(server.url, 'Sotto attacco')
  }
  afterEach(async () => {
    closers.splice(0).forEach((close) => close())
    if (server) await stopServer(server, 'SIGKILL')
  })

  /** Milliseconds from a local edit to its acknowledgement, for `count` edits made one after another. */
  async function honestAcks(c: HeadlessClient, count: number, everyMs: number, tag: string): Promise<number[]> {
    const latencies: number[] = []
    for (let i = 0; i < count; i++) {
      const acked = new Promise<void>((resolve) => (c.onAck = () => resolve()))
      const t = performance.now()
      c.store.put([geoShape(`${tag}-${i}`, { x: i * 5 }) as never])
      await Promise.race([
        acked,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`${c.name}'s edit ${i} not acknowledged in 30 s`)), 30_000)),
      ])
      latencies.push(performance.now() - t)
      await new Promise((r) => setTimeout(r, everyMs))
    }
    c.onAck = undefined
    return latencies
  }

  async function expectAlive() {
    expect(server.hasExited(), server.output()).toBe(false)
    const t = performance.now()
    expect((await fetch(`${server.url}/healthz`)).ok).toBe(true)
    return performance.now() - t
  }

  it('1. a presence record nested 4,200 deep is refused, and the process stays up', async () => {
    await start()
    const anna = honest('anna')
    const bruno = honest('bruno')
    await until(() => anna.state.connection === 'online' && bruno.state.connection === 'online', 'honest clients online')
    // Sees every presence update relayed, not only the latest record as bruno's store does.
    const watcher = attacker()
    await watcher.join()
    const evil = attacker()
    await evil.join()
    for (const depth of [4200, 6000, 100]) {
      // The relay replaces `meta`: the cursor is what would show that a deep one got through.
      const record = JSON.stringify({ ...presenceRecord('evil', { x: depth, y: depth }), meta: { deep: 'DEEP' } }).replace(
        '"DEEP"',
        deeplyNestedJson(depth)
      )
      evil.emitJson(EV.presence, `{"record":${record}}`)
    }
    // A valid presence after them, on the same connection: a deep one relayed would have come before it.
    evil.emitJson(EV.presence, JSON.stringify({ record: presenceRecord('evil', { x: 1, y: 1 }) }))
    await until(() => watcher.presence.length > 0 && bruno.presences().length > 0, "evil's valid presence relayed")
    await expectAlive()
    const cursors = (records: UnknownRecord[]) => records.map((r) => (r as UnknownRecord & { cursor: { x: number } }).cursor.x)
    expect(watcher.presence.map((u) => cursors(u.put))).toEqual([[1]])
    expect(cursors(bruno.presences())).toEqual([1])
    anna.store.put([geoShape('after-deep-presence') as never])
    await until(() => bruno.documentRecords().some((r) => r.id === 'shape:after-deep-presence'), 'an honest edit after the attack')
  })

  it('2. a push nested 4,300 deep is refused with a code; the board stays writable and opens after a restart', async () => {
    await start()
    const evil = attacker()
    await evil.join()
    const text = JSON.stringify(geoShape('deep1', {}, { richText: { type: 'doc', content: ['DEEP'] } }))
    evil.emitJson(EV.push, `{"seq":1,"diff":{"shape:deep1":["put",${text.replace('"DEEP"', deeplyNestedJson(4300, '{"type":"text","text":"x"}'))}]}}`)
    const meta = JSON.stringify(geoShape('deep2', { meta: { v: 'DEEP' } }))
    evil.emitJson(EV.push, `{"seq":2,"diff":{"shape:deep2":["put",${meta.replace('"DEEP"', deeplyNestedJson(4300))}]}}`)
    await until(() => evil.entries.length >= 2, 'two refusals')
    expect(evil.entries.map((e) => [e.kind, seqOf(e), refusalOf(e)?.code, e.offset])).toEqual([
      ['rejected', 1, 'too-deep', undefined],
      ['rejected', 2, 'too-deep', undefined],
    ])
    expect(refusalOf(evil.entries[0])?.detail).toMatch(/nested deeper/)

    const anna = honest('anna')
    anna.store.put([geoShape('honest-after') as never])
    await until(() => anna.acks.length === 1, 'the honest edit acknowledged')
    await expectAlive()

    await stopServer(server, 'SIGTERM')
    const storage = new EmbeddedStorage(server.dataDir)
    const { snapshot, entries } = await storage.load(board.id)
    const ids = [...new BoardState(snapshot, entries).records.keys()]
    await storage.close()
    expect(ids).toContain('shape:honest-after')
    expect(ids.filter((id) => id.startsWith('shape:deep'))).toEqual([])
  })

  it('6. nobody can mute a participant by replaying an identity seen on the wire', async () => {
    await start()
    const anna = honest('anna')
    const bruno = honest('bruno')
    anna.setPresence(presenceRecord('anna'))
    await until(() => bruno.presences().length === 1, "anna's cursor at bruno's")
    const seen = bruno.presences()[0] as UnknownRecord & { userId: string }
    // Nothing bruno receives names anna's client.
    expect(JSON.stringify(bruno.presences())).not.toContain(anna.clientId)

    // The attacker tries every identifier the wire showed it, with the highest seq there is.
    const candidates = [seen.userId.replace(/^user:/, ''), seen.id.replace(/^instance_presence:/, ''), seen.id]
    const evils: ReturnType<typeof attacker>[] = []
    for (const clientId of candidates.filter((id) => /^[A-Za-z0-9_-]{8,64}$/.test(id))) {
      const evil = attacker({ clientId })
      await evil.join()
      evil.push(Number.MAX_SAFE_INTEGER, { 'shape:evil': ['put', geoShape('evil')] })
      evils.push(evil)
    }
    // Every replayed push has landed before anna's edits are judged: acknowledged, or its sender
    // replaced by a later attacker under the same id (the candidates may repeat one), or welcomed
    // as having stored that seq already (the push is then a duplicate, dropped without an answer).
    const landed = (e: (typeof evils)[number]) =>
      e.entries.length > 0 || e.fatals.length > 0 || !e.socket.connected || e.welcomes.at(-1)!.settledSeq === Number.MAX_SAFE_INTEGER
    await until(() => evils.every(landed), 'every replayed push landed')
    const latencies = await honestAcks(anna, 5, 20, 'anna-after')
    expect(latencies).toHaveLength(5)
    await until(() => bruno.documentRecords().filter((r) => r.id.startsWith('shape:anna-after')).length === 5, "anna's edits at bruno's")
  })

  it('7. hellos from offset 0 after huge changes cost one shared document, not every entry', async () => {
    await start()
    // Four 2 MiB images inline, put again and again: 8 MiB of document, 32 MiB of entries,
    // each round from a fresh connection (a fresh byte budget), as a determined attacker would.
    const image = (n: number, fill: string) => ({
      id: `asset:big${n}`,
      typeName: 'asset',
      type: 'image',
      meta: {},
      props: { name: 'x.png', src: `data:image/png;base64,${fill.repeat(2 * 1024 * 1024)}`, w: 10, h: 10, mimeType: 'image/png', isAnimated: false },
    })
    for (const fill of ['A', 'B', 'C', 'D']) {
      const evil = attacker()
      await evil.join()
      for (let n = 0; n < 4; n++) evil.push(n + 1, { [`asset:big${n}`]: ['put', image(n, fill)] })
      await until(() => evil.entries.filter(isOwn).length === 4, 'four big pushes stored', 30_000)
      expect(evil.entries.map(refusalOf)).toEqual([undefined, undefined, undefined, undefined])
    }
    const anna = honest('anna')
    await until(() => anna.state.connection === 'online', 'anna online')
    const rssBefore = await rssMiB(server.child.pid!)
    const hellos = Array.from({ length: 12 }, () => attacker())
    const welcomes = await Promise.all(hellos.map((h) => h.join(0)))
    for (const w of welcomes) expect(w.entries).toBeUndefined()
    const documentBytes = welcomes[0].document!.byteLength
    const healthMs = await expectAlive()
    const latencies = await honestAcks(anna, 10, 30, 'during-hellos')
    const rssAfter = await rssMiB(server.child.pid!)
    console.log(
      `hello amplification: 12 hellos at offset 0 got a ${(documentBytes / 2 ** 20).toFixed(1)} MiB document each; ` +
        `server RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MiB; /healthz ${healthMs.toFixed(0)} ms; honest ack p50 ${percentile(latencies, 50).toFixed(1)} ms`
    )
    expect(welcomeRecords(welcomes[0])!.filter((r) => r.typeName === 'asset')).toHaveLength(4)
    expect(rssAfter - rssBefore).toBeLessThan(200)
  })

  it('8. huge presence records are refused, never relayed', async () => {
    await start()
    const watchers = Array.from({ length: 5 }, () => attacker())
    await Promise.all(watchers.map((w) => w.join()))
    const anna = honest('anna')
    await until(() => anna.state.connection === 'online', 'anna online')
    const evil = attacker()
    await evil.join()
    const name = 'n'.repeat(4 * 1024 * 1024)
    const flood = (async () => {
      for (let i = 0; i < 12; i++) {
        evil.socket.emit(EV.presence, { record: { ...presenceRecord('evil'), userName: name } })
        evil.socket.emit(EV.presence, {
          record: { ...presenceRecord('evil'), selectedShapeIds: Array.from({ length: 50_000 }, (_, k) => `shape:${k}`) },
        })
        await new Promise((r) => setTimeout(r, 250))
      }
    })()
    const latencies = await honestAcks(anna, 30, 100, 'during-presence-flood')
    await flood
    const largest = Math.max(0, ...watchers.flatMap((w) => w.presence.flatMap((p) => p.put.map((r) => JSON.stringify(r).length))))
    console.log(
      `presence flood: largest presence relayed ${largest} bytes; honest ack p50 ${percentile(latencies, 50).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`
    )
    expect(largest).toBeLessThanOrEqual(32 * 1024)
    expect(percentile(latencies, 50)).toBeLessThan(1000)
    await expectAlive()
  })

  it('9. a push flood is slowed down to the rate limit; the honest writer is not delayed', async () => {
    await start()
    const anna = honest('anna')
    await until(() => anna.state.connection === 'online', 'anna online')
    const evil = attacker()
    await evil.join()
    let seq = 0
    const started = performance.now()
    const flood = (async () => {
      for (let burst = 0; burst < 40 && evil.socket.connected; burst++) {
        for (let i = 0; i < 50; i++) evil.push(++seq, { [`shape:flood${seq}`]: ['put', geoShape(`flood${seq}`)] })
        await new Promise((r) => setTimeout(r, 25))
      }
    })()
    const latencies = await honestAcks(anna, 40, 50, 'during-push-flood')
    await flood
    const seconds = (performance.now() - started) / 1000
    await new Promise((r) => setTimeout(r, 300))
    const accepted = evil.entries.filter((e) => e.kind === 'ack').length
    console.log(
      `push flood: ${seq} pushes in ${seconds.toFixed(1)} s, ${accepted} accepted, told to slow down ${evil.saving.filter((s) => s.reason === 'slow-down').length} time(s); ` +
        `honest ack p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`
    )
    expect(evil.saving.some((s) => s.paused && s.reason === 'slow-down')).toBe(true)
    // The burst, then the rate: nowhere near what was sent.
    expect(accepted).toBeLessThan(300 + 60 * seconds + 60)
    expect(accepted).toBeLessThan(seq / 2)
    expect(percentile(latencies, 50)).toBeLessThan(250)
    await expectAlive()
  })

  it('9. a client that keeps sending what is refused, or more bytes than anyone could, is cut off', async () => {
    await start()
    const anna = honest('anna')
    await until(() => anna.state.connection === 'online', 'anna online')
    const refused = attacker()
    await refused.join()
    for (let i = 0; i < 600 && refused.socket.connected; i++) refused.push(i + 1, { 'shape:bad': ['put', geoShape('bad', {}, { geo: 'blob' })] })
    await until(() => refused.fatals.length > 0, 'the client sending refused pushes cut off')
    expect(refused.fatals[0].code).toBe('abuse')

    const bulky = attacker()
    await bulky.join()
    const junk = 'j'.repeat(4 * 1024 * 1024)
    for (let i = 0; i < 30 && bulky.socket.connected; i++) {
      bulky.socket.emit('nonsense', junk)
      await new Promise((r) => setTimeout(r, 10))
    }
    await until(() => bulky.fatals.length > 0 || !bulky.socket.connected, 'the client sending 120 MiB cut off')
    console.log(
      `cut off: refused-push sender after ${refused.entries.length} refusals (${refused.fatals[0].code}); byte flooder ${bulky.fatals[0]?.code ?? 'disconnected'}`
    )
    anna.store.put([geoShape('after-cutoffs') as never])
    await until(() => anna.acks.length === 1, 'an honest edit after the cut-offs')
    await expectAlive()
  })

  it('9. a reconnect storm on a 2,000-shape board: every client welcomed, honest edits keep flowing', async () => {
    await start()
    const builder = attacker()
    await builder.join()
    for (let b = 0; b < 4; b++) {
      const diff: Record<string, unknown> = {}
      for (let i = 0; i < 500; i++) diff[`shape:big${b}-${i}`] = ['put', geoShape(`big${b}-${i}`, { x: i * 3, y: b * 100 })]
      builder.push(b + 1, diff)
    }
    await until(() => builder.entries.length === 4, 'the board built')
    expect(builder.entries.every((e) => refusalOf(e) === undefined)).toBe(true)
    const anna = honest('anna')
    await until(() => anna.state.connection === 'online', 'anna online')
    const storm = Array.from({ length: 150 }, () => attacker())
    const joining = Promise.all(storm.map((s) => s.join(null)))
    const latencies = await honestAcks(anna, 20, 30, 'during-storm')
    const welcomes = await joining
    console.log(
      `reconnect storm: 150 welcomes of ${(welcomes[0].document!.byteLength / 1024).toFixed(0)} KiB; honest ack p50 ${percentile(latencies, 50).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`
    )
    expect(welcomes.every((w) => w.document !== undefined)).toBe(true)
    expect(percentile(latencies, 50)).toBeLessThan(1000)
    await expectAlive()
  })
})
