import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@opificio/server/testing'
import { repoRoot } from './server.ts'

export { freePort }

export interface ServerProcess {
  child: ChildProcess
  url: string
  port: number
  dataDir: string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  hasExited(): boolean
  output(): string
  /** Milliseconds from spawn to /healthz answering. */
  startupMs: number
}

/**
 * The young generation the server runs with wherever it is started (package.json, Dockerfile,
 * deploy/opificio.service, scripts/start-cluster.mjs): see README, "Running in production".
 */
export const SERVER_NODE_FLAG = '--max-semi-space-size=32'

/** The server run from its source, without a build. */
export const FROM_SOURCE = [SERVER_NODE_FLAG, '--import', 'tsx', 'server/src/main.ts']
/** The server as production runs it (`npm run build` makes the bundle). */
export const PRODUCTION = [SERVER_NODE_FLAG, 'server/dist/main.js']

/** The real server as its own process: from its source (server/src/main.ts) unless `args` say otherwise. */
export async function spawnServer(
  opts: { port?: number; dataDir?: string; env?: Record<string, string>; args?: string[] } = {}
): Promise<ServerProcess> {
  const started = Date.now()
  const port = opts.port ?? (await freePort())
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'opificio-proc-')))
  const child = spawn(process.execPath, opts.args ?? FROM_SOURCE, {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, HOST: '127.0.0.1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  let done = false
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true
      resolve({ code, signal })
    })
  )
  const server: ServerProcess = {
    child,
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    exited,
    hasExited: () => done,
    output: () => output,
    startupMs: 0,
  }
  for (;;) {
    if (done) throw new Error(`the server exited while starting:\n${output}`)
    if (
      await fetch(`${server.url}/healthz`).then(
        (r) => r.ok,
        () => false
      )
    )
      break
    if (Date.now() - started > 60_000) {
      child.kill('SIGKILL')
      throw new Error(`/healthz never answered in 60 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  server.startupMs = Date.now() - started
  return server
}

export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (!server.hasExited()) server.child.kill(signal)
  return server.exited
}
