import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './freePort.ts'

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    socket.once('error', () => resolve(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (d) => {
      socket.destroy()
      resolve(d.toString().startsWith('+PONG'))
    })
  })
}

export interface TestRedis {
  url: string
  port: number
  dir: string
  /** SIGKILL: no shutdown save, as in a crash. Only the AOF survives. */
  kill(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}

/**
 * A private redis-server for tests that stop, kill and restart it, never the machine's shared
 * one. AOF with fsync on every write: what the README asks of production.
 */
export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'opificio-redis-'))
  let child: ChildProcess | null = null
  const handle: TestRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async start() {
      child = spawn(
        process.env.REDIS_SERVER ?? 'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--appendonly',
          'yes',
          '--appendfsync',
          'always',
          '--save',
          '',
          '--protected-mode',
          'no',
          '--logfile',
          join(dir, 'redis.log'),
        ],
        { stdio: 'ignore' }
      )
      const started = Date.now()
      while (!(await answersPing(port))) {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} (see ${dir}/redis.log)`)
        if (Date.now() - started > 10_000) throw new Error('redis-server did not start in 10 s')
        await new Promise((r) => setTimeout(r, 20))
      }
    },
    async kill() {
      await stopWith('SIGKILL')
    },
    async stop() {
      await stopWith('SIGTERM')
    },
  }
  async function stopWith(signal: NodeJS.Signals) {
    const c = child
    child = null
    if (!c || c.exitCode !== null) return
    const exited = new Promise((r) => c.once('exit', r))
    c.kill(signal)
    await exited
  }
  await handle.start()
  return handle
}
