import { linkToken, ROLES, type BoardMeta, type CreatedBoard, type Role } from '@opificio/shared'
import { memoryLogger, silentLogger } from '../observability/logger.ts'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App, type AppOptions } from '../app.ts'
import { boardTag } from '../storage/boardTag.ts'
import { MemoryStorage } from '../storage/memory/memoryStorage.ts'

let app: App
let base: string
const others: App[] = []

/** Where no client build is: these tests are about the API, and about saying the client is missing. */
const NO_CLIENT = '/nonexistent/opificio-client-dist'

beforeAll(async () => {
  app = createApp({ storage: new MemoryStorage(), clientDist: NO_CLIENT, tldrawLicenseKey: 'key-123', logger: silentLogger })
  base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`
})
afterAll(() => Promise.all([app, ...others].map((a) => a.close())))

const post = (body: string, type = 'application/json', at = base, headers: Record<string, string> = {}) =>
  fetch(`${at}/api/boards`, { method: 'POST', headers: { 'content-type': type, ...headers }, body })

/** Another app on storage of its own, for tests that need other options; closed after the file. */
async function otherApp(opts: Partial<AppOptions> = {}) {
  const other = createApp({ storage: new MemoryStorage(), clientDist: NO_CLIENT, logger: silentLogger, ...opts })
  others.push(other)
  return `http://127.0.0.1:${await other.listen(0, '127.0.0.1')}`
}

describe('HTTP API', () => {
  it('answers /healthz', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true })
  })

  it('creates a board: 201 with its id, title and three role links carrying distinct secret tokens', async () => {
    const res = await post(JSON.stringify({ title: '  Fase 1 — Tavolo di Negoziazione ' }))
    expect(res.status).toBe(201)
    const board = (await res.json()) as CreatedBoard
    expect(board.title).toBe('Fase 1 — Tavolo di Negoziazione')
    expect(board.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(Object.keys(board.links).sort()).toEqual(['facilitator', 'participant', 'projector'])
    const tokens = ROLES.map((role) => {
      const link = new URL(board.links[role])
      expect(`${link.origin}${link.pathname}`).toBe(`${base}/b/${board.id}`)
      return linkToken(link.hash)!
    })
    // 128 random bits each, in base64url: 22 characters.
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(new Set(tokens).size).toBe(3)
  })

  it('builds links on PUBLIC_URL, not on the host a request names', async () => {
    const at = await otherApp({ publicUrl: 'https://opificio.comune.example' })
    const res = await post(JSON.stringify({ title: 'Tavolo' }), 'application/json', at, { 'x-forwarded-host': 'evil.example' })
    const board = (await res.json()) as CreatedBoard
    for (const role of ROLES) expect(board.links[role]).toMatch(new RegExp(`^https://opificio\\.comune\\.example/b/${board.id}#[A-Za-z0-9_-]{22}$`))
  })

  it('answers 404 for an unknown board, and for ids that are not ids, whatever the token', async () => {
    const bearer = { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAA' }
    expect((await fetch(`${base}/api/boards/unknownboard12345`, { headers: bearer })).status).toBe(404)
    expect((await fetch(`${base}/api/boards/..%2F..%2Fetc`, { headers: bearer })).status).toBe(404)
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

  it('hands the tldraw license key to the browser at run time', async () => {
    expect(await (await fetch(`${base}/api/config`)).json()).toEqual({ tldrawLicenseKey: 'key-123', serverUrls: null })
  })

  it('says the client is not built rather than failing obscurely', async () => {
    const res = await fetch(`${base}/b/whatever`)
    expect(res.status).toBe(503)
    expect(await res.text()).toMatch(/npm run build/)
  })

  it('answers a failure of its own with 500 and nothing else, logging it without the board id', async () => {
    // A full disk, as a storage engine on one reports it: no disk is needed to say so.
    const storage = new MemoryStorage()
    let id = ''
    storage.createBoard = async (meta: BoardMeta) => {
      id = meta.id
      throw Object.assign(new Error(`ENOSPC: no space left on device, mkdir '/data/boards/${meta.id}'`), { code: 'ENOSPC' })
    }
    const logger = memoryLogger()
    const at = await otherApp({ storage, logger })
    const said = () => logger.lines.map((l) => `${l.message} ${String(l.extra)}`).join('\n')
    const res = await post(JSON.stringify({ title: 'Tavolo' }), 'application/json', at)
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: 'internal error' })
    expect(said()).toMatch(/API error on POST \/api\/boards.*ENOSPC/s)
    expect(said()).not.toContain(id)
    expect(said()).toContain(`#${boardTag(id)}`)
  })
})

describe('board titles', () => {
  const created = async (title: string) => {
    const res = await post(JSON.stringify({ title }))
    expect(res.status).toBe(201)
    return ((await res.json()) as { title: string }).title
  }

  it('stores titles in NFC, on one line, trimmed; keeps joiners and right-to-left marks', async () => {
    expect(await created('Caf\u0065\u0301 del\r\nquartiere\t ')).toBe('Caf\u00e9 del quartiere')
    expect(await created('Famiglie \u{1F469}\u200D\u{1F467}')).toBe('Famiglie \u{1F469}\u200D\u{1F467}')
    expect(await created('\u05E9\u05DC\u05D5\u05DD\u200F 2025')).toBe('\u05E9\u05DC\u05D5\u05DD\u200F 2025')
  })

  it('counts the length in characters, not UTF-16 units', async () => {
    expect(await created('\u{1F3D7}'.repeat(120))).toHaveLength(240)
    const res = await post(JSON.stringify({ title: '\u{1F3D7}'.repeat(121) }))
    expect(res.status).toBe(400)
  })

  it.each([
    ['a control character', 'Tavolo\u0007', /control characters/],
    ['a C1 control character', 'Tavolo\u009b31m', /control characters/],
    ['a right-to-left override', 'fattura\u202Efdp.exe', /bidirectional/],
    ['a bidi isolate', 'Tavolo \u2067uno\u2069', /bidirectional/],
    ['only invisible characters', '\u200B\u2060 \uFEFF', /must not be empty/],
    ['half a surrogate pair', 'Tavolo \uD83C', /valid Unicode/],
  ])('refuses a title with %s: 400 saying why', async (_what, title, reason) => {
    const res = await post(JSON.stringify({ title }))
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toMatch(reason)
  })
})

describe('security headers', () => {
  it('sends a CSP that allows only this server, forbids framing, and leaks no board link', async () => {
    for (const path of ['/healthz', '/api/config', '/b/whatever']) {
      const res = await fetch(`${base}${path}`)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("script-src 'self';")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain(`connect-src 'self' data: ws://${new URL(base).host} wss://${new URL(base).host};`)
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    }
  })

  it('lets pages connect to the sibling nodes of SERVER_URLS, and echoes no odd Host', async () => {
    const at = await otherApp({ serverUrls: ['http://10.0.0.5:3000/', 'https://node2.example'] })
    const connectSrc = (csp: string) =>
      csp
        .split(';')
        .find((d) => d.startsWith('connect-src '))!
        .split(/\s+/)
        .slice(1)
    const siblings = ['http://10.0.0.5:3000', 'ws://10.0.0.5:3000', 'https://node2.example', 'wss://node2.example']
    const host = new URL(at).host
    const csp = (await fetch(`${at}/healthz`)).headers.get('content-security-policy')!
    expect(connectSrc(csp)).toEqual(["'self'", 'data:', `ws://${host}`, `wss://${host}`, ...siblings])
    const odd = await new Promise<string>((resolve, reject) =>
      request(`${at}/healthz`, { headers: { host: 'evil.example/x;script-src *' } }, (res) => {
        res.resume()
        resolve(String(res.headers['content-security-policy']))
      })
        .on('error', reject)
        .end()
    )
    expect(connectSrc(odd)).toEqual(["'self'", 'data:', ...siblings])
    expect(odd).not.toContain('evil')
  })
})

describe('board creation limit', () => {
  it('answers 429 with Retry-After once one address has created its burst, counting each address apart', async () => {
    const at = await otherApp({ boardCreationLimit: { perSecond: 1 / 10, burst: 3 } })
    const title = JSON.stringify({ title: 'Tavolo' })
    // Refused titles create nothing, so they cost nothing.
    expect((await post(JSON.stringify({ title: ' ' }), 'application/json', at)).status).toBe(400)
    for (let i = 0; i < 3; i++) expect((await post(title, 'application/json', at)).status).toBe(201)
    const refused = await post(title, 'application/json', at)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(9)
    expect(await refused.json()).toEqual({
      error: expect.stringMatching(/^slow down: too many boards created from this address; retry in \d+ s$/),
      code: 'slow-down',
    })
    // Behind a proxy on this host, each person is counted under the address the proxy saw.
    expect((await post(title, 'application/json', at, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(201)
  })
})

describe('role links over HTTP', () => {
  async function board() {
    const created = (await (await post(JSON.stringify({ title: 'Tavolo dei ruoli' }))).json()) as CreatedBoard
    const token = (role: Role) => linkToken(new URL(created.links[role]).hash)!
    return { created, token }
  }
  const get = (id: string, token?: string) => fetch(`${base}/api/boards/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  const rotate = (id: string, role: string, token?: string) =>
    fetch(`${base}/api/boards/${id}/links/${role}/rotate`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} })

  it('gives each role the board and the links it may pass on, and nothing without a token of this board', async () => {
    const { created, token } = await board()
    const other = await board()
    const meta = { id: created.id, title: created.title, createdAt: created.createdAt }
    expect(await (await get(created.id, token('facilitator'))).json()).toEqual({ ...meta, role: 'facilitator', links: created.links })
    expect(await (await get(created.id, token('participant'))).json()).toEqual({
      ...meta,
      role: 'participant',
      links: { participant: created.links.participant },
    })
    // The projector shows the participants' link as a QR code.
    expect(await (await get(created.id, token('projector'))).json()).toEqual({
      ...meta,
      role: 'projector',
      links: { participant: created.links.participant, projector: created.links.projector },
    })
    const none = await get(created.id)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer')
    expect((await get(created.id, other.token('facilitator'))).status).toBe(404)
    expect((await get(created.id, 'notthetokenofanything')).status).toBe(404)
    expect((await fetch(`${base}/api/boards/${created.id}`, { headers: { authorization: `Basic ${token('facilitator')}` } })).status).toBe(401)
  })

  it('lets only the facilitator replace a link; the old token opens nothing at once, the new one does', async () => {
    const { created, token } = await board()
    expect((await rotate(created.id, 'participant', token('participant'))).status).toBe(403)
    expect((await rotate(created.id, 'participant', token('projector'))).status).toBe(403)
    expect((await rotate(created.id, 'participant')).status).toBe(401)
    expect((await rotate(created.id, 'participant', 'notthetokenofanything')).status).toBe(404)
    expect((await rotate(created.id, 'admin', token('facilitator'))).status).toBe(400)
    // Refused attempts changed nothing.
    expect((await get(created.id, token('participant'))).status).toBe(200)

    const res = await rotate(created.id, 'participant', token('facilitator'))
    expect(res.status).toBe(200)
    const { role, link } = (await res.json()) as { role: Role; link: string }
    expect(role).toBe('participant')
    const fresh = linkToken(new URL(link).hash)!
    expect(fresh).not.toBe(token('participant'))
    expect((await get(created.id, token('participant'))).status).toBe(404)
    expect(await (await get(created.id, fresh)).json()).toMatchObject({ role: 'participant' })
    // The other links are untouched.
    expect((await get(created.id, token('projector'))).status).toBe(200)
    expect((await rotate(created.id, 'participant', token('participant'))).status).toBe(404)
  })
})
