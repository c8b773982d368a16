import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from './server.ts'

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

export interface ServerProcess {
  child: ChildProcess
  url: string
  port: number
  dataDir: string
  output(): string
}

/** The real server (server/src/main.ts) as its own process, as `npm start` runs it. */
export async function spawnServer(opts: { port?: number; dataDir?: string; env?: Record<string, string> } = {}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort())
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'opificio-proc-')))
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, HOST: '127.0.0.1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  const start = Date.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() - start > 30_000) {
      child.kill('SIGKILL')
      throw new Error(`server did not start in 30 s: ${output}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return { child, url, port, dataDir, output: () => output }
}

export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return
  const exited = new Promise((r) => server.child.once('exit', r))
  server.child.kill(signal)
  await exited
}
