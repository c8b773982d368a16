import { execFileSync, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { repoRoot } from '../harness/server.ts'
import { freePort, spawnServer, stopServer } from '../harness/serverProcess.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function scratch() {
  const dir = await mkdtemp(join(tmpdir(), 'opificio-datadir-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Runs the real server on `dataDir` until it exits by itself, as `npm start` would. */
async function startOn(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  clearTimeout(timer)
  return { code, output: output.trim() }
}

/**
 * A directory nobody may write to. Tests run as root, who ignores permission bits, so for root
 * it is made immutable (chattr +i), which binds root too; false where the file system cannot.
 */
function readOnlyDir(dir: string): boolean {
  if (process.getuid?.() !== 0) {
    execFileSync('chmod', ['0555', dir])
    return true
  }
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' })
  } catch {
    return false
  }
  cleanups.push(async () => execFileSync('chattr', ['-i', dir]))
  return true
}

describe('a DATA_DIR the server cannot write to', () => {
  it('stops the server at start with one line naming the directory and the cause, when its path runs through a file', async () => {
    const parent = join(await scratch(), 'not-a-directory')
    await writeFile(parent, 'a file where a directory should be')
    const dataDir = join(parent, 'data')
    const { code, output } = await startOn(dataDir)
    expect(code).toBe(1)
    expect(output).toBe(output.split('\n')[0])
    expect(output).toMatch(new RegExp(`^Opificio: DATA_DIR ${dataDir} is not writable: ENOTDIR`))
  })

  it('stops the server at start when the directory is read-only, even for root', async (ctx) => {
    const dataDir = join(await scratch(), 'data')
    await mkdir(dataDir)
    if (!readOnlyDir(dataDir)) ctx.skip(`cannot make ${dataDir} read-only for root here (no chattr +i on this file system)`)
    const { code, output } = await startOn(dataDir)
    expect(code).toBe(1)
    expect(output).toBe(output.split('\n')[0])
    expect(output).toMatch(new RegExp(`^Opificio: DATA_DIR ${dataDir} is not writable: (EPERM|EACCES)`))
  })

  it('starts on a writable one, creating it, and leaves no probe behind', async () => {
    const dataDir = join(await scratch(), 'new', 'data')
    const server = await spawnServer({ dataDir })
    cleanups.push(() => stopServer(server))
    expect(await readdir(dataDir)).toEqual([])
  })
})
