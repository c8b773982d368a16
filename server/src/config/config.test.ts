import { describe, expect, it } from 'vitest'
import { readConfig, type Env } from './config.ts'
import { licenseKeyProblem } from './tldrawLicenseKey.ts'

const ROOT = '/srv/opificio'
const read = (env: Env, tty = false) => readConfig(env, ROOT, tty)

/** A key of the shape tldraw's LicenseManager takes apart; its signature is tldraw's to check, not ours. */
function licenseKey(fields: unknown[] = ['id-1', ['opificio.comune.example'], 2, '2027-01-01']) {
  return `tldraw-2025/${btoa(JSON.stringify(fields))}.${btoa('signature bytes')}`
}

describe('the configuration read at start', () => {
  it('takes the documented defaults from an empty environment', () => {
    expect(read({})).toEqual({
      problems: [],
      config: {
        port: 3000,
        host: undefined,
        dataDir: `${ROOT}/data`,
        redis: null,
        serverUrls: null,
        publicUrl: null,
        tldrawLicenseKey: null,
        boardCreationBurst: null,
        trustProxy: false,
        logLevel: 'info',
        prettyLogs: false,
        shutdownTimeoutMs: 8000,
      },
    })
  })

  it('reads every setting given well', () => {
    const { config, problems } = read({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATA_DIR: '/var/lib/opificio',
      REDIS_URL: 'redis://:secret@10.0.0.2:6379/1',
      REDIS_PREFIX: 'santarcangelo:',
      SERVER_URLS: 'http://10.0.0.5:3000, http://10.0.0.6:3000,',
      PUBLIC_URL: 'https://opificio.comune.example/',
      TLDRAW_LICENSE_KEY: `${licenseKey()}\n`,
      BOARD_CREATION_BURST: '5',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      LOG_LEVEL: 'DEBUG',
      SHUTDOWN_TIMEOUT_MS: '20000',
      NODE_ENV: 'development',
    })
    expect(problems).toEqual([])
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/var/lib/opificio',
      redis: { url: 'redis://:secret@10.0.0.2:6379/1', prefix: 'santarcangelo:' },
      serverUrls: ['http://10.0.0.5:3000', 'http://10.0.0.6:3000'],
      publicUrl: 'https://opificio.comune.example/',
      tldrawLicenseKey: licenseKey(),
      boardCreationBurst: 5,
      trustProxy: ['loopback', '10.0.0.0/8'],
      logLevel: 'debug',
      prettyLogs: true,
      shutdownTimeoutMs: 20000,
    })
  })

  it('treats an empty optional setting as unset, as a `VAR=` line in an environment file means', () => {
    expect(read({ REDIS_URL: '', SERVER_URLS: ' ', PUBLIC_URL: '', TLDRAW_LICENSE_KEY: '' }).problems).toEqual([])
  })

  it.each([
    ['PORT', '', 'PORT must be a whole number from 1 to 65535, not ""'],
    ['PORT', 'http', 'PORT must be a whole number from 1 to 65535, not "http"'],
    ['PORT', '0', 'PORT must be a whole number from 1 to 65535, not "0"'],
    ['PORT', '65536', 'PORT must be a whole number from 1 to 65535, not "65536"'],
    ['PORT', '80.5', 'PORT must be a whole number from 1 to 65535, not "80.5"'],
    ['HOST', '', 'HOST must be an IP address or a host name (e.g. 127.0.0.1, ::, localhost), not ""'],
    ['HOST', 'http://localhost', 'HOST must be an IP address or a host name (e.g. 127.0.0.1, ::, localhost), not "http://localhost"'],
    ['DATA_DIR', '', 'DATA_DIR must be a directory path, not ""'],
    ['REDIS_URL', 'not-a-url', 'REDIS_URL must be a redis:// or rediss:// URL with a host (e.g. redis://127.0.0.1:6379), not "not-a-url"'],
    [
      'REDIS_URL',
      'http://10.0.0.2:6379',
      'REDIS_URL must be a redis:// or rediss:// URL with a host (e.g. redis://127.0.0.1:6379), not "http://10.0.0.2:6379"',
    ],
    ['REDIS_URL', 'redis://:hunter2@10.0.0.2/x', 'REDIS_URL may end with a database number (/0), nothing else, not "redis://***@10.0.0.2/x"'],
    [
      'SERVER_URLS',
      'http://10.0.0.5:3000,10.0.0.6:3000',
      'SERVER_URLS must be an http:// or https:// address (e.g. https://opificio.comune.example), not "10.0.0.6:3000"',
    ],
    [
      'PUBLIC_URL',
      'opificio.comune.example',
      'PUBLIC_URL must be an http:// or https:// address (e.g. https://opificio.comune.example), not "opificio.comune.example"',
    ],
    [
      'PUBLIC_URL',
      'https://comune.example/opificio',
      'PUBLIC_URL must be a site\'s address without a path, query or credentials (Opificio is served at the root), not "https://comune.example/opificio"',
    ],
    ['BOARD_CREATION_BURST', '0', 'BOARD_CREATION_BURST must be a whole number from 1 to 9999999, not "0"'],
    ['BOARD_CREATION_BURST', 'many', 'BOARD_CREATION_BURST must be a whole number from 1 to 9999999, not "many"'],
    ['TRUST_PROXY', 'nginx', expect.stringMatching(/^TRUST_PROXY must be false, a number of proxy hops, or a comma-separated list .* not "nginx"$/)],
    ['TRUST_PROXY', '10.0.0.0/33', expect.stringMatching(/^TRUST_PROXY must be .* not "10.0.0.0\/33"$/)],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "verbose"'],
    ['SHUTDOWN_TIMEOUT_MS', '10s', 'SHUTDOWN_TIMEOUT_MS must be a whole number from 100 to 600000, not "10s"'],
  ])('%s=%j is refused with one line naming it', (name, value, line) => {
    expect(read({ [name]: value }).problems).toEqual([line])
  })

  it('says every problem at once, so one start shows them all', () => {
    expect(read({ PORT: '', LOG_LEVEL: 'loud', REDIS_URL: 'not-a-url' }).problems).toHaveLength(3)
  })

  it('never repeats a license key in its complaint', () => {
    const [line] = read({ TLDRAW_LICENSE_KEY: 'tldraw-2025/secretsecret' }).problems
    expect(line).toMatch(/^TLDRAW_LICENSE_KEY is not a tldraw license key: /)
    expect(line).not.toContain('secretsecret')
  })

  it('writes pretty logs at a terminal and JSON for a collector', () => {
    expect(read({}, true).config.prettyLogs).toBe(true)
    expect(read({ NODE_ENV: 'production' }).config.prettyLogs).toBe(false)
  })
})

describe('a tldraw license key, by its shape', () => {
  it('is accepted as tldraw writes it, also with the line breaks and zero-width spaces of a copy and paste', () => {
    expect(licenseKeyProblem(licenseKey())).toBeNull()
    const key = licenseKey()
    expect(licenseKeyProblem(`\u200B${key.slice(0, 20)}\n${key.slice(20)}`)).toBeNull()
  })

  it.each([
    ['a key cut before its signature', licenseKey().split('.')[0], 'it must be two parts separated by one "."'],
    ['another product’s key', licenseKey().replace('tldraw-', 'other-'), 'it must start with "tldraw-"'],
    ['data that is not base64', 'tldraw-2025/not base64!.c2ln', 'its data and signature must be base64'],
    ['data that is not JSON', `tldraw-2025/${btoa('hello')}.c2ln`, 'its data does not decode to JSON'],
    ['JSON that is no licence', licenseKey([1, 2, 3]), 'its data is not a tldraw licence (id, hosts, flags, expiry)'],
  ])('is refused when it is %s', (_what, key, problem) => {
    expect(licenseKeyProblem(key)).toBe(problem)
  })
})
