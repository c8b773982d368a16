// The deployment recipes (Dockerfile, deploy/) cannot run on the test machine, which has no
// container runtime: these checks hold them to what the server accepts and to each other, so a
// change to a setting or to the build breaks a test rather than a town hall's deployment.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { readConfig } from '../../../server/src/config/config.ts'
import { repoRoot } from '../harness/server.ts'

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8')

interface ComposeService {
  image?: string
  build?: { context: string; dockerfile: string }
  command?: string[]
  environment?: Record<string, string>
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
  stop_grace_period?: string
  volumes?: string[]
  networks?: Record<string, { ipv4_address?: string }>
}

const compose = parse(read('deploy/compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> }
const { services } = compose
const nodes = ['opificio-1', 'opificio-2']

/** A node's environment as Compose hands it over with deploy/.env absent: `${VAR:-}` is empty. */
function composeEnv(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]))
}

const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1] ?? Number.NaN)

describe('deploy/compose.yaml', () => {
  it('runs two nodes of the image on Redis with fsync on every write, behind nginx', () => {
    expect(Object.keys(services).sort()).toEqual(['nginx', 'opificio-1', 'opificio-2', 'redis'])
    for (const name of nodes) {
      expect(services[name].build).toEqual({ context: '..', dockerfile: 'Dockerfile' })
      expect(services[name].depends_on).toEqual({ redis: { condition: 'service_healthy' } })
      expect(services[name].healthcheck?.test.join(' ')).toContain('http://127.0.0.1:3000/readyz')
    }
    expect(services.redis.image).toMatch(/^redis:7/)
    expect(services.redis.command?.join(' ')).toContain('--appendonly yes --appendfsync always')
    expect(services.redis.volumes).toEqual(['redis-data:/data'])
    expect(services.nginx.volumes).toContain('./nginx.conf:/etc/nginx/conf.d/default.conf:ro')
    expect(services.nginx.depends_on).toEqual(Object.fromEntries(nodes.map((n) => [n, { condition: 'service_healthy' }])))
  })

  it("gives the nodes settings the server accepts, trusting only nginx's address, with time to drain", () => {
    const nginxAddress = services.nginx.networks?.front.ipv4_address
    for (const name of nodes) {
      const { config, problems } = readConfig(composeEnv(services[name]), '/app')
      expect(problems).toEqual([])
      expect(config.redis?.url).toBe('redis://redis:6379')
      expect(config.trustProxy).toEqual([nginxAddress])
      expect(seconds(services[name].stop_grace_period ?? '') * 1000).toBeGreaterThan(config.shutdownTimeoutMs)
    }
  })

  it('is what nginx.conf balances: ip_hash over both nodes on the port they listen on', () => {
    const upstream = /upstream opificio \{([^}]*)\}/.exec(read('deploy/nginx.conf'))?.[1] ?? ''
    expect(upstream).toMatch(/^\s*ip_hash;/m)
    expect([...upstream.matchAll(/^\s*server (\S+?):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`)).toEqual(nodes.map((n) => `${n}:3000`))
  })
})

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile')
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))

  it('runs the bundled server as node itself, not through npm or a shell, as a user that is not root', () => {
    expect(runtime).toMatch(/^CMD \["node", "--max-semi-space-size=32", "server\/dist\/main\.js"\]$/m)
    expect(runtime).toMatch(/^USER node$/m)
    expect(runtime).toMatch(/^STOPSIGNAL SIGTERM$/m)
    expect(runtime).toContain('npm ci --omit=dev')
  })
})

describe('deploy/opificio.service and opificio.env.example', () => {
  const unit = read('deploy/opificio.service')
  const example = read('deploy/opificio.env.example')
  const setting = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(unit)?.[1]
  const envOf = (text: string) => Object.fromEntries([...text.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]))

  it('lists every setting the server reads', () => {
    const uses = read('server/src/config/config.ts').matchAll(/\benv(?:\.([A-Z_]+)|, '([A-Z_]+)')/g)
    const names = new Set([...uses].map((m) => m[1] ?? m[2]))
    expect(names.size).toBeGreaterThan(10)
    for (const name of names) expect(example, name).toMatch(new RegExp(`^#?${name}=`, 'm'))
  })

  it('holds settings the server accepts, as shipped and with every example line switched on', () => {
    const asShipped = readConfig(envOf(example), '/opt/opificio')
    expect(asShipped.problems).toEqual([])
    const everything = readConfig(envOf(example.replace(/^#([A-Z_]+=)/gm, '$1')), '/opt/opificio')
    expect(everything.problems).toEqual([])
    // The data folder is the one the unit lets the node write to.
    expect(setting('ReadWritePaths')).toBe(asShipped.config.dataDir)
    expect(Number(setting('TimeoutStopSec')) * 1000).toBeGreaterThan(everything.config.shutdownTimeoutMs)
  })

  it('starts the bundled server with node, stopped by SIGTERM', () => {
    expect(setting('ExecStart')).toBe('/usr/bin/node --max-semi-space-size=32 /opt/opificio/server/dist/main.js')
    expect(setting('EnvironmentFile')).toBe('/etc/opificio/opificio.env')
    expect(setting('KillSignal')).toBe('SIGTERM')
  })
})
