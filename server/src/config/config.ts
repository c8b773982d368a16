import { isIP } from 'node:net'
import { resolve } from 'node:path'
import { cleanLicenseKey, licenseKeyProblem } from './tldrawLicenseKey.ts'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** What Express's `trust proxy` setting takes: false, a number of hops, or addresses and subnets. */
export type TrustProxy = boolean | number | string[]

/** Everything the server reads from its environment, checked. README's Configuration table lists each. */
export interface Config {
  port: number
  /** Undefined: every interface. */
  host: string | undefined
  dataDir: string
  redis: { url: string; prefix: string } | null
  serverUrls: string[] | null
  publicUrl: string | null
  tldrawLicenseKey: string | null
  /** Null: the default, BOARD_CREATION_LIMIT's (boards/routes.ts). */
  boardCreationBurst: number | null
  trustProxy: TrustProxy
  logLevel: LogLevel
  /** Readable lines for a person at a terminal; JSON lines for a collector otherwise. */
  prettyLogs: boolean
  /** How long a stop may take, at most, before the process gives up waiting and exits non-zero. */
  shutdownTimeoutMs: number
}

export type Env = Record<string, string | undefined>

/**
 * Reads every setting at once, so an operator sees every mistake in one go, each as one line
 * naming the variable, what it must be and what it was; `config` is good only when there are
 * none. `root` is where `./data` defaults to. Imports nothing heavy: a bad setting is told
 * before the server's modules load, in well under a second.
 */
export function readConfig(env: Env, root: string, stdoutIsTty = false): { config: Config; problems: string[] } {
  const problems: string[] = []
  const check = <T>(read: () => T, fallback: T): T => {
    try {
      return read()
    } catch (e) {
      problems.push((e as Error).message)
      return fallback
    }
  }
  // In the order of README's table, so the lines come in an order the reader knows.
  const port = check(() => withDefault(env, 'PORT', 3000, (v) => wholeNumber('PORT', v, 1, 65_535)), 3000)
  const host = check(() => (env.HOST === undefined ? undefined : hostOf(env.HOST)), undefined)
  const dataDir = check(() => withDefault(env, 'DATA_DIR', resolve(root, 'data'), dataDirOf), '')
  const redisUrl = check(() => optional(env.REDIS_URL, redisUrlOf), null)
  const config: Config = {
    port,
    host,
    dataDir,
    redis: redisUrl === null ? null : { url: redisUrl, prefix: check(() => redisPrefixOf(env.REDIS_PREFIX ?? 'opificio:'), '') },
    serverUrls: check(() => optional(env.SERVER_URLS, serverUrlsOf), null),
    publicUrl: check(() => optional(env.PUBLIC_URL, (v) => siteUrl('PUBLIC_URL', v)), null),
    tldrawLicenseKey: check(() => optional(env.TLDRAW_LICENSE_KEY, licenseKeyOf), null),
    boardCreationBurst: check(
      () => withDefault(env, 'BOARD_CREATION_BURST', null, (v) => wholeNumber('BOARD_CREATION_BURST', v, 1, 9_999_999)),
      null
    ),
    trustProxy: check(() => withDefault(env, 'TRUST_PROXY', false, trustProxyOf), false),
    logLevel: check(() => withDefault(env, 'LOG_LEVEL', 'info', logLevelOf), 'info'),
    prettyLogs: stdoutIsTty || env.NODE_ENV === 'development',
    shutdownTimeoutMs: check(() => withDefault(env, 'SHUTDOWN_TIMEOUT_MS', 8000, (v) => wholeNumber('SHUTDOWN_TIMEOUT_MS', v, 100, 600_000)), 0),
  }
  return { config, problems }
}

/** A setting with a default: unset takes the default, but set and empty is a mistake (`PORT=` used to listen on any port). */
function withDefault<T>(env: Env, name: string, fallback: T, parse: (value: string) => T): T {
  const value = env[name]
  return value === undefined ? fallback : parse(value.trim())
}

/** A setting without a default: unset or empty means "none", as in a shell's `VAR=` line. */
function optional<T>(value: string | undefined, parse: (value: string) => T): T | null {
  return value === undefined || value.trim() === '' ? null : parse(value.trim())
}

function wholeNumber(name: string, value: string, min: number, max: number): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`)
  }
  return n
}

function dataDirOf(value: string): string {
  if (value === '') throw new Error('DATA_DIR must be a directory path, not ""')
  return resolve(value)
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i

function hostOf(value: string): string {
  const host = value.trim()
  if (isIP(host) || HOST_NAME.test(host)) return host
  throw new Error(`HOST must be an IP address or a host name (e.g. 127.0.0.1, ::, localhost), not ${JSON.stringify(value)}`)
}

/** A URL with its password hidden: settings end up in bug reports and terminal scrollback. */
function shown(value: string): string {
  return JSON.stringify(value.replace(/\/\/[^@/]*@/, '//***@'))
}

function redisUrlOf(value: string): string {
  let url: URL | null = null
  try {
    url = new URL(value)
  } catch {
    // Said below, with what a good one looks like.
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new Error(`REDIS_URL must be a redis:// or rediss:// URL with a host (e.g. redis://127.0.0.1:6379), not ${shown(value)}`)
  }
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d+$/.test(url.pathname)) {
    throw new Error(`REDIS_URL may end with a database number (/0), nothing else, not ${shown(value)}`)
  }
  return value
}

function redisPrefixOf(value: string): string {
  // Keys are `<prefix>{<board id>}:…`: braces in the prefix would move Redis's hash slot onto it.
  if (/[{}\s]/.test(value)) throw new Error(`REDIS_PREFIX may not hold braces or spaces, not ${JSON.stringify(value)}`)
  return value
}

/** A site's address: http(s), and nothing after the host but an optional "/" (the app is served at the root). */
function siteUrl(name: string, value: string): string {
  let url: URL | null = null
  try {
    url = new URL(value)
  } catch {
    // Said below.
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new Error(`${name} must be an http:// or https:// address (e.g. https://opificio.comune.example), not ${shown(value)}`)
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error(`${name} must be a site's address without a path, query or credentials (Opificio is served at the root), not ${shown(value)}`)
  }
  return value
}

function serverUrlsOf(value: string): string[] {
  const urls = value
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean)
  return urls.map((u) => siteUrl('SERVER_URLS', u))
}

function licenseKeyOf(value: string): string {
  const problem = licenseKeyProblem(value)
  // Never echoed: a key is bought, and settings end up in bug reports.
  if (problem) throw new Error(`TLDRAW_LICENSE_KEY is not a tldraw license key: ${problem}`)
  return cleanLicenseKey(value)
}

const TRUSTED_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/**
 * Which peers may say, in X-Forwarded-For, whom they forward: `false` (nobody, the default),
 * `loopback` (nginx on this host), addresses or subnets, or a number of proxy hops.
 */
function trustProxyOf(value: string): TrustProxy {
  if (value === 'false') return false
  if (value === 'true') return true
  if (/^\d+$/.test(value)) return wholeNumber('TRUST_PROXY', value, 0, 10)
  const entries = value.split(',').map((e) => e.trim())
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/')
    const family = isIP(address)
    const maxBits = family === 6 ? 128 : 32
    const subnetOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits)
    if (TRUSTED_NAMES.has(entry) || (family !== 0 && subnetOk && rest.length === 0)) continue
    throw new Error(
      `TRUST_PROXY must be false, a number of proxy hops, or a comma-separated list of loopback, linklocal, uniquelocal, addresses and subnets (e.g. loopback or 10.0.0.0/8), not ${JSON.stringify(value)}`
    )
  }
  return entries
}

function logLevelOf(value: string): LogLevel {
  const level = value.toLowerCase()
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel
  throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(value)}`)
}
