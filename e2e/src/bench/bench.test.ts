import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../harness/server.ts'

/**
 * The performance suite in its quick mode, so it keeps working: every target and scenario runs
 * and reports, and nothing is lost. Timings are printed, never asserted (docs/PERFORMANCE.md).
 */
describe('npm run bench -- --quick', () => {
  it('runs every scenario on the floor, one node and two nodes, and loses nothing', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'bench', '--', '--quick'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 })
    console.log(stdout)
    const rows = JSON.parse(await readFile(join(repoRoot, '.bench/bench-quick.json'), 'utf8')) as {
      target: string
      scenario: string
      cursorHz: number
      result: { lost: number; unacked: number; change: { n: number }; cursor: { n: number } }
    }[]
    expect(new Set(rows.map((r) => r.target)).size).toBe(3)
    for (const r of rows) {
      expect([r.target, r.scenario, r.result.lost, r.result.unacked]).toEqual([r.target, r.scenario, 0, 0])
      expect(r.result.change.n).toBeGreaterThan(0)
      if (r.cursorHz > 0) expect(r.result.cursor.n).toBeGreaterThan(0)
    }
  })
})
