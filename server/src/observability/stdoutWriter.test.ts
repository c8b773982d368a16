import { closeSync, openSync, readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { StdoutWriter } from './stdoutWriter.ts'

async function file() {
  const path = join(await mkdtemp(join(tmpdir(), 'opificio-stdout-')), 'out.log')
  return { path, fd: openSync(path, 'w') }
}

describe('the stdout writer', () => {
  it('writes every line in order, and what waits at exit without an event loop, once each', async () => {
    const { path, fd } = await file()
    const expected = Array.from({ length: 500 }, (_, i) => `line ${i} è`)
    const inOrder = new StdoutWriter(fd, 1 << 20, 1000)
    for (const line of expected.slice(0, 250)) inOrder.write(`${line}\n`)
    await new Promise((r) => setTimeout(r, 50))
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toEqual(expected.slice(0, 250))

    for (const line of expected.slice(250)) inOrder.write(`${line}\n`)
    inOrder.flushAtExit()
    // The write under way at exit finishes by itself, maybe after the ones made at exit.
    await new Promise((r) => setTimeout(r, 50))
    const written = readFileSync(path, 'utf8').trimEnd().split('\n')
    expect([...written].sort()).toEqual([...expected].sort())
    closeSync(fd)
  })

  it('drops and counts the lines past what it may hold', async () => {
    const { fd } = await file()
    const writer = new StdoutWriter(fd, 64, 1000)
    for (let i = 0; i < 10; i++) writer.write('x'.repeat(30) + '\n')
    expect(writer.takeDropped()).toBe(8)
    expect(writer.takeDropped()).toBe(0)
    closeSync(fd)
  })

  it('gives up on a reader that is gone, without throwing, and exits at once', async () => {
    const { fd } = await file()
    closeSync(fd)
    const writer = new StdoutWriter(fd, 1 << 20, 60_000)
    writer.write('first\n')
    await new Promise((r) => setTimeout(r, 50))
    writer.write('second\n')
    const started = performance.now()
    writer.flushAtExit()
    expect(performance.now() - started).toBeLessThan(100)
  })
})
