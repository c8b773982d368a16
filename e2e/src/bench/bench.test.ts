import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../harness/server.ts'
import type { Row } from './report.ts'

/**
 * The performance suite in its quick mode, so it keeps working: every target and scenario runs
 * and reports, and nothing is lost. Timings are printed, never asserted (docs/PERFORMANCE.md).
 */
describe('npm run bench -- --quick', () => {
  it('runs every scenario on every target it is for, and loses nothing', async () => {
    // A row that cannot run makes the bench exit with 1 after writing every row: say which one.
    const run = await promisify(execFile)('npm', ['run', '--silent', 'bench', '--', '--quick'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }).catch(
      (e: { stdout: string; stderr: string; code: number }) => e
    )
    console.log(run.stdout, run.stderr)
    const rows = JSON.parse(await readFile(join(repoRoot, '.bench/bench-quick.json'), 'utf8')) as Row[]
    expect(rows.filter((r) => r.kind === 'failed')).toEqual([])
    expect('code' in run ? run.code : 0).toBe(0)
    const storms = rows.filter((r) => r.kind === 'storm')
    expect(new Set(storms.map((r) => r.target))).toEqual(new Set(['floor', 'tldraw', 'one', 'two']))
    expect(new Set(storms.map((r) => r.boards))).toEqual(new Set([1, 5]))
    for (const r of storms) {
      expect([r.target, r.scenario, r.result.lost, r.result.unacked, r.result.dropped]).toEqual([r.target, r.scenario, 0, 0, 0])
      expect(r.result.change.n).toBeGreaterThan(0)
      expect(r.result.cursor.n).toBeGreaterThan(0)
      // Counted by send time, a cursor in flight as the window opens is neither due nor received.
      expect(r.result.cursor.deliveredPct).toBeLessThanOrEqual(100)
      if (r.target !== 'floor') expect(r.vsFloor?.changeP50).toBeGreaterThan(0)
    }
    const joined = rows.find((r) => r.kind === 'join')
    expect(joined?.result.records).toBeGreaterThan(500)
    expect(joined?.result.warm.n).toBeGreaterThan(0)
    const browser = rows.find((r) => r.kind === 'browser')
    expect(browser?.result.dragToRender.n).toBeGreaterThan(0)
    expect(browser?.result.others.lost).toBe(0)
  })
})
