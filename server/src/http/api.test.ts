import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../app.ts'
import { EmbeddedStorage } from '../storage/embedded/embeddedStorage.ts'

let app: App
let base: string

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'opificio-api-'))
  app = createApp({ storage: new EmbeddedStorage(dir), clientDist: join(dir, 'no-client'), tldrawLicenseKey: 'key-123', log: () => undefined })
  base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`
})
afterAll(() => app.close())

const post = (body: string, type = 'application/json') =>
  fetch(`${base}/api/boards`, { method: 'POST', headers: { 'content-type': type }, body })

describe('HTTP API', () => {
  it('answers /healthz', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true })
  })

  it('creates a board: 201 with its id, title and participant link, then reads it back', async () => {
    const res = await post(JSON.stringify({ title: '  Fase 1 — Tavolo di Negoziazione ' }))
    expect(res.status).toBe(201)
    const board = (await res.json()) as { id: string; title: string; links: { participant: string } }
    expect(board.title).toBe('Fase 1 — Tavolo di Negoziazione')
    expect(board.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(board.links.participant).toBe(`/b/${board.id}`)
    const again = await fetch(`${base}/api/boards/${board.id}`)
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ id: board.id, title: board.title, links: board.links })
  })

  it.each([
    ['an empty title', JSON.stringify({ title: '   ' }), /title must not be empty/],
    ['a title too long', JSON.stringify({ title: 'x'.repeat(121) }), /at most 120/],
    ['no title', JSON.stringify({}), /title/],
    ['a title that is not text', JSON.stringify({ title: 7 }), /string/],
    ['broken JSON', '{"title": ', /bad request/],
  ])('answers %s with 400 and a readable reason', async (_what, body, reason) => {
    const res = await post(body)
    expect(res.status).toBe(400)
    const { error } = (await res.json()) as { error: string }
    expect(error).toMatch(reason)
    expect(error).not.toMatch(/Error:/)
  })

  it('answers 404 for an unknown board, and for ids that are not ids', async () => {
    expect((await fetch(`${base}/api/boards/unknownboard12345`)).status).toBe(404)
    expect((await fetch(`${base}/api/boards/..%2F..%2Fetc`)).status).toBe(404)
  })

  it('hands the tldraw license key to the browser at run time', async () => {
    expect(await (await fetch(`${base}/api/config`)).json()).toEqual({ tldrawLicenseKey: 'key-123', serverUrls: null })
  })

  it('says the client is not built rather than failing obscurely', async () => {
    const res = await fetch(`${base}/b/whatever`)
    expect(res.status).toBe(503)
    expect(await res.text()).toMatch(/npm run build/)
  })
})
