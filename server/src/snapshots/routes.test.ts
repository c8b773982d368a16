import {
  linkToken,
  parseTldr,
  ROLES,
  SESSION_RECORD_ID,
  sessionOf,
  TEMPLATE_RECORD_ID,
  type ProcessTemplate,
  type CreatedBoard,
  type OpenedSnapshot,
  type Role,
  type SnapshotInfo,
} from '@opificio/shared'
import { elementShape, relationShapes } from '@opificio/shared/testing'
import type { UnknownRecord } from '@tldraw/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../app.ts'
import { silentLogger } from '../observability/logger.ts'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EmbeddedStorage } from '../storage/embedded/embeddedStorage.ts'
import { RedisStorage } from '../storage/redis/redisStorage.ts'
import type { StorageEngine } from '../storage/types.ts'
import { startTestRedis } from '../testing/testRedis.ts'
import { appendAsServer } from '../sync/serverWrites.ts'
import { Room } from '../sync/rooms/room.ts'
import { boardNow } from './snapshotService.ts'

/*
 * On the embedded engine and on Redis (the engines a deploy runs), through the real HTTP API.
 * The storage rules for saved snapshots themselves are S11 of storage/contract.ts.
 */
const redis = await startTestRedis()
afterAll(() => redis.stop())

const ENGINES: Record<string, () => Promise<{ storage: StorageEngine; dispose(): Promise<void> }>> = {
  embedded: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opificio-snapshots-'))
    return { storage: new EmbeddedStorage(dir, { logger: silentLogger }), dispose: () => rm(dir, { recursive: true, force: true }) }
  },
  redis: async () => {
    const storage = new RedisStorage({ url: redis.url, prefix: `snap${Date.now().toString(36)}:`, logger: silentLogger })
    await storage.ready(10_000)
    return { storage, dispose: async () => undefined }
  },
}

describe.each(Object.keys(ENGINES))('phase outputs through the HTTP API, %s engine', (engine) => {
  let app: App
  let base: string
  let storage: StorageEngine
  let dispose: () => Promise<void>

  beforeAll(async () => {
    ;({ storage, dispose } = await ENGINES[engine]())
    app = createApp({ storage, clientDist: '/nonexistent', logger: silentLogger })
    base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`
  })
  afterAll(async () => {
    await app.close()
    await dispose()
  })

  type Board = CreatedBoard & { token(role: Role): string }

  async function newBoard(title = 'Opificio — Tavolo'): Promise<Board> {
    const res = await fetch(`${base}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    })
    const board = (await res.json()) as CreatedBoard
    return { ...board, token: (role) => linkToken(new URL(board.links[role]).hash)! }
  }

  const call = (method: string, path: string, token?: string, body?: unknown, type = 'application/json') =>
    fetch(`${base}/api${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': type } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })

  const edit = (boardId: string, diff: Record<string, ['put', UnknownRecord] | ['remove']>) => appendAsServer(storage, boardId, 'server:test', diff)
  const put = (...records: UnknownRecord[]) => Object.fromEntries(records.map((r) => [r.id, ['put', r] as ['put', UnknownRecord]]))
  const shapeNames = async (boardId: string) =>
    [...(await boardNow(storage, boardId)).records.values()]
      .filter((r) => r.typeName === 'shape')
      .map((r) => (r as unknown as { props: { name?: string } }).props.name ?? '')
      .sort()

  const coop = elementShape('coop', { kind: 'terzo-settore', name: 'Società Cooperativa «Il Mulino»', sector: 'privato-sociale' })
  const comune = elementShape('comune', { kind: 'ente-pubblico', name: 'Comune di Santarcangelo', sector: 'pubblico' })
  const evil = elementShape('evil', { kind: 'cittadino', name: '=SOMMA(A1:A9)', sector: 'civico' })

  it('a facilitator snapshots the board tagged with its phase; anyone with a link lists and opens it; nothing changes it', async () => {
    const board = await newBoard()
    await edit(board.id, {
      ...put(coop, comune),
      [SESSION_RECORD_ID]: ['put', { ...sessionOf(() => undefined), phase: 1 } as unknown as UnknownRecord],
    })
    const res = await call('POST', `/boards/${board.id}/snapshots`, board.token('facilitator'), {
      title: 'Uscita fase 1',
      note: 'Tavolo costituito',
      author: 'Giulia',
    })
    expect(res.status).toBe(201)
    const taken = (await res.json()) as SnapshotInfo
    expect(taken).toMatchObject({ kind: 'phase', phase: 1, title: 'Uscita fase 1', note: 'Tavolo costituito', createdBy: 'Giulia' })
    expect(Date.parse(taken.createdAt)).toBeGreaterThan(Date.now() - 60_000)
    expect(Object.keys(taken).sort()).toEqual(['createdAt', 'createdBy', 'id', 'kind', 'note', 'phase', 'title'])

    // The board moves on; the snapshot does not.
    await edit(board.id, { [comune.id]: ['remove'], ...put(evil) })
    for (const role of ROLES) {
      const list = (await (await call('GET', `/boards/${board.id}/snapshots`, board.token(role))).json()) as SnapshotInfo[]
      expect(list.filter((s) => s.kind === 'phase')).toEqual([taken])
      const opened = (await (await call('GET', `/boards/${board.id}/snapshots/${taken.id}`, board.token(role))).json()) as OpenedSnapshot
      expect(
        opened.records
          .filter((r) => r.typeName === 'shape')
          .map((r) => r.id)
          .sort()
      ).toEqual(['shape:comune', 'shape:coop'])
    }
    expect((await call('GET', `/boards/${board.id}/snapshots/nope`, board.token('participant'))).status).toBe(404)
  })

  it('only the facilitator token snapshots, restores, exports and imports; the rest get 401, 403 or 404 with a code', async () => {
    const board = await newBoard()
    const other = await newBoard('Altra lavagna')
    const taken = (await (
      await call('POST', `/boards/${board.id}/snapshots`, board.token('facilitator'), { title: 'Fase 1' })
    ).json()) as SnapshotInfo
    const attempts: [string, string, unknown?][] = [
      ['POST', `/boards/${board.id}/snapshots`, { title: 'x' }],
      ['POST', `/boards/${board.id}/snapshots/${taken.id}/restore`, {}],
      ['POST', `/boards/${board.id}/snapshots/${taken.id}/board`, {}],
      ['GET', `/boards/${board.id}/export.csv`],
      ['GET', `/boards/${board.id}/export.json`],
      ['GET', `/boards/${board.id}/export.tldr?snapshot=${taken.id}`],
    ]
    for (const [method, path, body] of attempts) {
      for (const role of ['participant', 'projector'] as const) {
        const res = await call(method, path, board.token(role), body)
        expect([path, role, res.status, ((await res.json()) as { code: string }).code]).toEqual([path, role, 403, 'forbidden'])
      }
      const none = await call(method, path, undefined, body)
      expect([path, none.status, ((await none.json()) as { code: string }).code]).toEqual([path, 401, 'unauthorized'])
      const elsewhere = await call(method, path, other.token('facilitator'), body)
      expect([path, elsewhere.status]).toEqual([path, 404])
    }
    const file = await (await call('GET', `/boards/${board.id}/export.tldr`, board.token('facilitator'))).text()
    expect((await call('POST', '/boards/import', undefined, file)).status).toBe(401)
    for (const role of ['participant', 'projector'] as const) expect((await call('POST', '/boards/import', board.token(role), file)).status).toBe(403)
    expect((await call('POST', '/boards/import', 'a'.repeat(22), file)).status).toBe(403)
    expect((await call('POST', '/boards/import', board.token('facilitator'), file)).status).toBe(201)
    expect((await call('GET', `/boards/${board.id}/snapshots`, other.token('facilitator'))).status).toBe(404)
  })

  it('restores a snapshot through the log, saving the board first, so restoring that undoes it', async () => {
    const board = await newBoard()
    const f = board.token('facilitator')
    await edit(board.id, put(coop, comune))
    const phase1 = (await (await call('POST', `/boards/${board.id}/snapshots`, f, { title: 'Fase 1' })).json()) as SnapshotInfo
    await edit(board.id, { [coop.id]: ['remove'], [comune.id]: ['remove'], ...put(evil) })
    expect(await shapeNames(board.id)).toEqual(['=SOMMA(A1:A9)'])

    const res = await call('POST', `/boards/${board.id}/snapshots/${phase1.id}/restore`, f, { author: 'Giulia' })
    expect(res.status).toBe(200)
    const { backup, changed } = (await res.json()) as { backup: SnapshotInfo; changed: boolean }
    expect(changed).toBe(true)
    expect(backup).toMatchObject({ kind: 'before-restore', title: 'Fase 1', createdBy: 'Giulia' })
    expect(await shapeNames(board.id)).toEqual(['Comune di Santarcangelo', 'Società Cooperativa «Il Mulino»'])

    // Undo: restore what was saved before.
    await call('POST', `/boards/${board.id}/snapshots/${backup.id}/restore`, f, {})
    expect(await shapeNames(board.id)).toEqual(['=SOMMA(A1:A9)'])
    const kinds = ((await (await call('GET', `/boards/${board.id}/snapshots`, f)).json()) as SnapshotInfo[]).map((s) => s.kind)
    expect(kinds.filter((k) => k !== 'auto')).toEqual(['phase', 'before-restore', 'before-restore'])
  })

  it('restores a snapshot taken before a kind was added to the template: the kind stays, the board goes back', async () => {
    const board = await newBoard()
    const f = board.token('facilitator')
    await edit(board.id, put(coop))
    const before = (await (await call('POST', `/boards/${board.id}/snapshots`, f, { title: 'Prima' })).json()) as SnapshotInfo
    // Phase 2 adds a kind of its own (kinds are never removed) and an element of it.
    const template = [...(await boardNow(storage, board.id)).records.values()].find(
      (r) => r.id === TEMPLATE_RECORD_ID
    ) as unknown as ProcessTemplate & UnknownRecord
    const orto = { ...template.elementKinds[0], id: 'orto', label: { it: 'Orto condiviso' } }
    await edit(board.id, {
      [TEMPLATE_RECORD_ID]: ['put', { ...template, elementKinds: [...template.elementKinds, orto] } as unknown as UnknownRecord],
      ...put(elementShape('orto1', { kind: 'orto', name: 'Orto di via Verdi' })),
    })
    const res = await call('POST', `/boards/${board.id}/snapshots/${before.id}/restore`, f, {})
    expect(res.status).toBe(200)
    expect(await shapeNames(board.id)).toEqual(['Società Cooperativa «Il Mulino»'])
    const kept = [...(await boardNow(storage, board.id)).records.values()].find((r) => r.id === TEMPLATE_RECORD_ID) as unknown as ProcessTemplate
    expect(kept.elementKinds.map((k) => k.id)).toContain('orto')
  })

  it('starts a new board from a snapshot, with links of its own', async () => {
    const board = await newBoard()
    await edit(board.id, put(coop))
    const taken = (await (
      await call('POST', `/boards/${board.id}/snapshots`, board.token('facilitator'), { title: 'Fase 2' })
    ).json()) as SnapshotInfo
    const res = await call('POST', `/boards/${board.id}/snapshots/${taken.id}/board`, board.token('facilitator'), {
      title: 'Opificio — dalla fase 2',
    })
    expect(res.status).toBe(201)
    const copy = (await res.json()) as CreatedBoard
    expect(copy.title).toBe('Opificio — dalla fase 2')
    expect(copy.id).not.toBe(board.id)
    expect(await shapeNames(copy.id)).toEqual(['Società Cooperativa «Il Mulino»'])
  })

  it('exports CSV, JSON and .tldr files named after the board, phase and day, of the live board or a snapshot', async () => {
    const board = await newBoard('Città dell’Opificio')
    const f = board.token('facilitator')
    await edit(
      board.id,
      put(
        coop,
        evil,
        ...relationShapes('impegno', 'coop', 'evil', {
          relation: 'impegno',
          commitment: { what: 'Aprire un doposcuola', by: 'Entro giugno 2027', resources: 'Volontari' },
        })
      )
    )
    const csv = await call('GET', `/boards/${board.id}/export.csv`, f)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const now = new Date()
    const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="Citta-dell-Opificio_${day}.csv"; filename*=UTF-8''Citta-dell-Opificio_${day}.csv`
    )
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer())
    expect(text.startsWith('\uFEFF')).toBe(true)
    expect(text).toContain('Società Cooperativa «Il Mulino»;')
    expect(text).toContain("'=SOMMA(A1:A9)")
    expect(text).toContain('Aprire un doposcuola;Entro giugno 2027;Volontari')

    const json = (await (await call('GET', `/boards/${board.id}/export.json`, f)).json()) as {
      board: { title: string }
      pact: unknown[]
      elements: { name: string }[]
    }
    expect(json.board.title).toBe('Città dell’Opificio')
    expect(json.pact).toEqual([
      { id: 'shape:impegno', who: 'Società Cooperativa «Il Mulino»', what: 'Aprire un doposcuola', by: 'Entro giugno 2027', resources: 'Volontari' },
    ])

    const taken = (await (await call('POST', `/boards/${board.id}/snapshots`, f, { title: 'Fase 3' })).json()) as SnapshotInfo
    await edit(board.id, { [coop.id]: ['remove'] })
    const fromSnapshot = await call('GET', `/boards/${board.id}/export.json?snapshot=${taken.id}`, f)
    expect(fromSnapshot.headers.get('content-disposition')).toContain(`Citta-dell-Opificio_Fase-3_${day}.json`)
    expect(((await fromSnapshot.json()) as { elements: unknown[] }).elements).toHaveLength(2)
    expect((await call('GET', `/boards/${board.id}/export.csv?snapshot=nope`, f)).status).toBe(404)
    expect((await call('GET', `/boards/${board.id}/export.pdf`, f)).status).toBe(404)

    // The .tldr comes back as an equal document on a new board.
    const tldr = await (await call('GET', `/boards/${board.id}/export.tldr?snapshot=${taken.id}`, f)).text()
    const imported = await call('POST', '/boards/import', f, tldr)
    expect(imported.status).toBe(201)
    const created = (await imported.json()) as CreatedBoard
    const parsed = parseTldr(tldr)
    if (!parsed.ok) throw new Error(parsed.reason)
    const byId = (rs: UnknownRecord[]) => rs.filter((r) => r.typeName !== 'session').sort((a, b) => (a.id < b.id ? -1 : 1))
    expect(byId([...(await boardNow(storage, created.id)).records.values()])).toEqual(byId(parsed.records))
    expect((await call('POST', '/boards/import', f, '{"not":"a board"}')).status).toBe(400)
  })

  it('keeps automatic history of an edited board, listed and restorable by the facilitator', async () => {
    const board = await newBoard()
    const f = board.token('facilitator')
    const room = await Room.load(await storage.getBoard(board.id).then((m) => m!), storage, { autoSnapshotMs: 50, logger: silentLogger })
    try {
      await room.write(put(coop, comune))
      const auto = async () =>
        ((await (await call('GET', `/boards/${board.id}/snapshots`, f)).json()) as SnapshotInfo[]).filter((s) => s.kind === 'auto')
      // Waited for in storage, then asked of the API once: its list has a budget per address.
      for (let i = 0; i < 100 && (await storage.listSnapshots(board.id)).length < 2; i++) await new Promise((r) => setTimeout(r, 50))
      const [kept] = await auto()
      expect(kept.id).toMatch(/^auto-\d+$/)
      await edit(board.id, { [coop.id]: ['remove'], [comune.id]: ['remove'] })
      expect(await shapeNames(board.id)).toEqual([])
      expect((await call('POST', `/boards/${board.id}/snapshots/${kept.id}/restore`, f, {})).status).toBe(200)
      expect(await shapeNames(board.id)).toEqual(['Comune di Santarcangelo', 'Società Cooperativa «Il Mulino»'])
    } finally {
      room.close()
    }
  })

  it('slows a script snapshotting a board in a loop: 429 with Retry-After after a burst of 20', async () => {
    const board = await newBoard()
    const statuses: number[] = []
    for (let i = 0; i < 22; i++)
      statuses.push((await call('POST', `/boards/${board.id}/snapshots`, board.token('facilitator'), { title: `n${i}` })).status)
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true)
    const refused = await call('POST', `/boards/${board.id}/snapshots`, board.token('facilitator'), { title: 'once more' })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(((await refused.json()) as { code: string }).code).toBe('slow-down')
    // Another board is not slowed by this one.
    const other = await newBoard()
    expect((await call('POST', `/boards/${other.id}/snapshots`, other.token('facilitator'), { title: 'x' })).status).toBe(201)
  })

  it('imports a .tldr that tldraw itself wrote, its shapes kept', async () => {
    const board = await newBoard()
    // Saved by tldraw 5.4.2's own serializer (see shared/src/export/tldr.test.ts).
    const file = await readFile(new URL('../../../shared/src/export/fixtures/tldraw-com.tldr', import.meta.url), 'utf8')
    const res = await call('POST', '/boards/import?title=Da%20tldraw', board.token('facilitator'), file)
    expect(res.status).toBe(201)
    const created = (await res.json()) as CreatedBoard
    expect(created.title).toBe('Da tldraw')
    const shapes = [...(await boardNow(storage, created.id)).records.values()].filter((r) => r.typeName === 'shape')
    expect(shapes.map((r) => (r as unknown as { type: string }).type).sort()).toEqual(['arrow', 'frame', 'geo', 'note'])
  })
})
