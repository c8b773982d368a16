import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../harness/server.ts'

/** Every setting the server reads: tests start from none of them, whatever the shell running them has. */
export const SETTINGS = [
  'PORT',
  'HOST',
  'DATA_DIR',
  'REDIS_URL',
  'REDIS_PREFIX',
  'SERVER_URLS',
  'PUBLIC_URL',
  'TLDRAW_LICENSE_KEY',
  'BOARD_CREATION_BURST',
  'TRUST_PROXY',
  'LOG_LEVEL',
  'SHUTDOWN_TIMEOUT_MS',
  'NODE_ENV',
]

export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !SETTINGS.includes(k))) as Record<string, string>
  return { ...env, ...extra }
}

/**
 * Bundles the server as `npm run build` does, so these tests run what production runs and never
 * a bundle older than the source.
 */
export function buildServerBundle() {
  execFileSync(process.execPath, [join(repoRoot, 'server/build.mjs')], { cwd: repoRoot, stdio: 'pipe' })
}

/** The lines of a Prometheus text exposition, by series (`name{labels}`); throws on any line that is not one. */
export function parsePrometheus(text: string): Map<string, number> {
  const series = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* /.test(line)) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?) (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line)
    if (!m) throw new Error(`not Prometheus text: ${JSON.stringify(line)}`)
    series.set(m[1], Number(m[2].replace('Inf', 'Infinity')))
  }
  return series
}
