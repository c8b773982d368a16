import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../harness/server.ts'
import { freePort, PRODUCTION } from '../harness/serverProcess.ts'
import { buildServerBundle, cleanEnv } from './productionServer.ts'

let scratch = ''
beforeAll(async () => {
  buildServerBundle()
  scratch = await mkdtemp(join(tmpdir(), 'opificio-config-'))
})
afterAll(() => rm(scratch, { recursive: true, force: true }))

/** The production server started with `env` over a sound configuration, until it exits by itself. */
async function startWith(env: Record<string, string>) {
  const started = performance.now()
  const child = spawn(process.execPath, PRODUCTION, {
    cwd: repoRoot,
    env: cleanEnv({ PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: join(scratch, 'data'), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr, ms: performance.now() - started }
}

describe('a bad setting stops the server at once, with one line saying which and why', () => {
  it.each([
    [{ PORT: '' }, 'PORT must be a whole number from 1 to 65535, not ""'],
    [{ PORT: 'tremila' }, 'PORT must be a whole number from 1 to 65535, not "tremila"'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 1 to 65535, not "70000"'],
    [{ HOST: 'localhost:3000' }, 'HOST must be an IP address or a host name (e.g. 127.0.0.1, ::, localhost), not "localhost:3000"'],
    [{ REDIS_URL: 'not-a-url' }, 'REDIS_URL must be a redis:// or rediss:// URL with a host (e.g. redis://127.0.0.1:6379), not "not-a-url"'],
    [
      { SERVER_URLS: 'http://10.0.0.5:3000,10.0.0.6' },
      'SERVER_URLS must be an http:// or https:// address (e.g. https://opificio.comune.example), not "10.0.0.6"',
    ],
    [
      { PUBLIC_URL: 'opificio.comune.example' },
      'PUBLIC_URL must be an http:// or https:// address (e.g. https://opificio.comune.example), not "opificio.comune.example"',
    ],
    [{ TLDRAW_LICENSE_KEY: 'tldraw-2025/abc' }, 'TLDRAW_LICENSE_KEY is not a tldraw license key: it must be two parts separated by one "."'],
    [{ BOARD_CREATION_BURST: '-1' }, 'BOARD_CREATION_BURST must be a whole number from 1 to 9999999, not "-1"'],
    [{ TRUST_PROXY: 'yes' }, expect.stringMatching(/^TRUST_PROXY must be false, a number of proxy hops, or .* not "yes"$/)],
    [{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "chatty"'],
    [{ SHUTDOWN_TIMEOUT_MS: '' }, 'SHUTDOWN_TIMEOUT_MS must be a whole number from 100 to 600000, not ""'],
  ])('%j', async (env, line) => {
    const { code, stdout, stderr, ms } = await startWith(env)
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/^Opificio: [^\n]*\n$/)
    expect(stderr.slice('Opificio: '.length, -1)).toEqual(line)
    expect(ms).toBeLessThan(1000)
  })

  it('a DATA_DIR it cannot write to (its path runs through a file)', async () => {
    const file = join(scratch, 'a-file')
    await writeFile(file, 'not a directory')
    const { code, stderr, ms } = await startWith({ DATA_DIR: join(file, 'data') })
    expect(code).toBe(1)
    expect(stderr).toMatch(new RegExp(`^Opificio: DATA_DIR ${join(file, 'data')} is not writable: ENOTDIR[^\\n]*\\n$`))
    expect(ms).toBeLessThan(1000)
  })

  it('every bad setting at once, one line each, in one start', async () => {
    const { code, stderr, ms } = await startWith({ PORT: '0', REDIS_URL: 'localhost', LOG_LEVEL: 'loud' })
    expect(code).toBe(1)
    expect(
      stderr
        .trim()
        .split('\n')
        .map((l) => l.split(' ').slice(0, 2).join(' '))
    ).toEqual(['Opificio: PORT', 'Opificio: REDIS_URL', 'Opificio: LOG_LEVEL'])
    expect(ms).toBeLessThan(1000)
  })
})
