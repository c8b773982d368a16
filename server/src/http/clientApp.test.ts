import express from 'express'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chooseEncoding, clientAppRouter } from './clientApp.ts'

const SCRIPT = 'export const hello = "ciao";\n'.repeat(200)
const FONT = Buffer.from([0x77, 0x4f, 0x46, 0x32, 1, 2, 3, 4])
const CHROMIUM = 'gzip, deflate, br, zstd'

let dir: string
let dist: string
let server: Server
let base: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opificio-client-'))
  dist = join(dir, 'dist')
  await mkdir(join(dist, 'assets'), { recursive: true })
  await writeFile(join(dir, 'secret.txt'), 'not for the web')
  await writeFile(join(dist, 'index.html'), '<!doctype html><div id="root"></div>')
  await writeFile(join(dist, 'board.html'), '<!doctype html><link rel="modulepreload" href="/assets/board.js"><div id="root"></div>')
  await writeFile(join(dist, 'assets/index-Abc123.js'), SCRIPT)
  await writeFile(join(dist, 'assets/index-Abc123.js.br'), brotliCompressSync(SCRIPT))
  await writeFile(join(dist, 'assets/index-Abc123.js.gz'), gzipSync(SCRIPT))
  await writeFile(join(dist, 'assets/font-Xyz789.woff2'), FONT)
  const app = express().use(clientAppRouter(dist))
  server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const address = server.address()
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await rm(dir, { recursive: true, force: true })
})

/** A raw response: node:http, unlike fetch, leaves the body as the server encoded it. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('a hashed script', () => {
  it('goes brotli-compressed to a browser that takes br, cached for a year, with its own type', async () => {
    const res = await get('/assets/index-Abc123.js', { 'accept-encoding': CHROMIUM })
    expect(res.status).toBe(200)
    expect(res.headers['content-encoding']).toBe('br')
    expect(res.headers['content-type']).toMatch(/^text\/javascript/)
    expect(res.headers.vary).toMatch(/Accept-Encoding/i)
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(brotliDecompressSync(res.body).toString()).toBe(SCRIPT)
    expect(res.body.length).toBeLessThan(SCRIPT.length / 10)
  })

  it('goes gzip-compressed to a client that takes only gzip', async () => {
    const res = await get('/assets/index-Abc123.js', { 'accept-encoding': 'gzip' })
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(res.body).toString()).toBe(SCRIPT)
  })

  it('goes as it is to a client that names no encoding, still marked as varying', async () => {
    const res = await get('/assets/index-Abc123.js')
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.headers.vary).toMatch(/Accept-Encoding/i)
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(res.body.toString()).toBe(SCRIPT)
  })

  it('answers a HEAD with the headers of the encoding a GET would get, and no body', async () => {
    const res = await get('/assets/index-Abc123.js', { 'accept-encoding': CHROMIUM }, 'HEAD')
    expect(res.status).toBe(200)
    expect(res.headers['content-encoding']).toBe('br')
    expect(res.body.length).toBe(0)
  })
})

describe('other files', () => {
  it('sends an already compressed font as it is, cached for a year, without Vary', async () => {
    const res = await get('/assets/font-Xyz789.woff2', { 'accept-encoding': CHROMIUM })
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.headers.vary).toBeUndefined()
    expect(res.headers['content-type']).toBe('font/woff2')
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(res.body).toEqual(FONT)
  })

  it('has every page revalidate its HTML, so a new build is seen at once', async () => {
    for (const path of ['/', '/b/abc', '/accessibilita', '/index.html']) {
      const res = await get(path, { 'accept-encoding': CHROMIUM })
      expect(res.status, path).toBe(200)
      expect(res.headers['cache-control'], path).toBe('no-cache')
      expect(res.headers['content-type'], path).toMatch(/^text\/html/)
    }
  })

  it("sends a board's link the page that fetches the board's code with it, and the other pages none", async () => {
    for (const path of ['/b/abc', '/b/abc/def']) expect((await get(path)).body.toString(), path).toContain('modulepreload')
    for (const path of ['/', '/accessibilita', '/index.html']) expect((await get(path)).body.toString(), path).not.toContain('modulepreload')
  })

  it('answers 404 for a missing asset and never leaves the build directory', async () => {
    expect((await get('/assets/missing-Abc123.js')).status).toBe(404)
    for (const path of ['/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt.br']) {
      const res = await get(path, { 'accept-encoding': CHROMIUM })
      expect(res.body.toString(), path).not.toContain('not for the web')
      expect(res.status, path).toBeGreaterThanOrEqual(400)
    }
  })
})

describe('chooseEncoding', () => {
  const both = [{ name: 'br' }, { name: 'gzip' }]
  const pick = (header: string | undefined) => chooseEncoding(header, both)?.name ?? 'identity'

  it('prefers br among equals whatever order the browser lists them in', () => {
    expect(pick(CHROMIUM)).toBe('br')
    expect(pick('gzip, br')).toBe('br')
  })

  it('follows quality values, refusals and wildcards', () => {
    expect(pick('br;q=0.5, gzip')).toBe('gzip')
    expect(pick('br;q=0, gzip;q=0.1')).toBe('gzip')
    expect(pick('*')).toBe('br')
    expect(pick('identity, br;q=0.5')).toBe('identity')
    expect(pick('deflate')).toBe('identity')
    expect(pick('')).toBe('identity')
    expect(pick(undefined)).toBe('identity')
  })
})
