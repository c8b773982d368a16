import { request } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { linkToken, type BoardLinks, type CreatedBoard, type Role } from '@opificio/shared'
import { createApp, silentLogger, type AppOptions, EmbeddedStorage } from '@opificio/server/testing'

export const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..')

/** A real server in this process, on a free port, storing under a fresh directory. */
export async function startServer(opts: { dataDir?: string; port?: number; room?: AppOptions['room'] } = {}) {
  const ownsDir = !opts.dataDir
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'opificio-e2e-')))
  const app = createApp({
    storage: new EmbeddedStorage(dataDir),
    clientDist: join(repoRoot, 'client/dist'),
    room: opts.room,
    logger: silentLogger,
  })
  const port = await app.listen(opts.port ?? 0, '127.0.0.1')
  return {
    app,
    dataDir,
    port,
    url: `http://127.0.0.1:${port}`,
    /** Stops the server; `keepData` leaves the directory for a restart on it. */
    async close({ keepData = false } = {}) {
      await app.close()
      if (ownsDir && !keepData) await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** What a client needs to open a board in one role: the board's id and the token of that role's link. */
export interface BoardKey {
  id: string
  token: string
  role: Role
}

/** A board as a test made it: its role links, and for each role the key a harness client opens it with. */
export interface TestBoard {
  id: string
  title: string
  createdAt: string
  /** Absolute URLs `<origin>/b/<id>#<token>`, on the origin the board was created through. */
  links: BoardLinks
  facilitator: BoardKey
  participant: BoardKey
  projector: BoardKey
}

/** The token of a role link: what follows `#`. */
export function tokenOf(link: string): string {
  const token = linkToken(new URL(link).hash)
  if (!token) throw new Error(`no token in the link ${link}`)
  return token
}

/** The same role link on another origin (another node of a cluster): the id and token are the board's, not a node's. */
export function linkOn(origin: string, link: string): string {
  const { pathname, hash } = new URL(link)
  return `${origin}${pathname}${hash}`
}

/** A board as the API answered its creation, with a key per role. */
export function testBoard(created: CreatedBoard): TestBoard {
  const key = (role: Role): BoardKey => ({ id: created.id, token: tokenOf(created.links[role]), role })
  return {
    id: created.id,
    title: created.title,
    createdAt: created.createdAt,
    links: created.links,
    facilitator: key('facilitator'),
    participant: key('participant'),
    projector: key('projector'),
  }
}

export async function createBoard(url: string, title = 'Tavolo di prova'): Promise<TestBoard> {
  const res = await fetch(`${url}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  })
  if (res.status !== 201) throw new Error(`create board: ${res.status} ${await res.text()}`)
  return testBoard((await res.json()) as CreatedBoard)
}

/**
 * One request on a connection of its own, through node:http. fetch pools connections per origin:
 * after a server process is killed and another listens on the same port, a pooled socket of the
 * dead one may not have been seen closing yet, and a request on it fails with "other side closed".
 * Under happy-dom, fetch is also the page's, bound by CORS. `token` goes as `Authorization: Bearer`,
 * as reading a board needs its link's token.
 */
export function httpJson(
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  opts: { token?: string } = {}
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' }
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`
    const req = request(url, { method, headers, agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null }))
    })
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

export async function until(check: () => boolean, what: string | (() => string), ms = 15_000) {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > ms) {
      throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`)
    }
    await new Promise((r) => setTimeout(r, 10))
  }
}
