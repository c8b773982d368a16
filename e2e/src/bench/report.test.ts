import { describe, expect, it } from 'vitest'
import { markdown, type StormRow, withFloorRatios } from './report.ts'
import { stormRow as row } from './testRows.ts'

describe('the bench report', () => {
  it('gives every storm figure as a ratio to the floor on the same scenario, two nodes’ CPU summed', () => {
    const rows = withFloorRatios([
      row('floor', 'drag 50/10', [2, 10], [40]),
      row('floor', 'drag 200/10', [20, 100], [80]),
      row('two', 'drag 50/10', [6, 40], [30, 30]),
    ]) as StormRow[]
    expect(rows[0].vsFloor).toEqual({ changeP50: 1, changeP95: 1, changeP99: 1, changeMax: 1, ackP50: 1, cursorP50: 1, cursorP99: 1, cpu: 1, rss: 1 })
    expect(rows[2].vsFloor).toEqual({
      changeP50: 3,
      changeP95: 4,
      changeP99: 4,
      changeMax: 4,
      ackP50: 3,
      cursorP50: 1,
      cursorP99: 1,
      cpu: 1.5,
      rss: 2,
    })
  })

  it('has no ratio where the floor did not run', () => {
    expect((withFloorRatios([row('one', 'drag 50/10', [6, 40], [50])])[0] as StormRow).vsFloor).toBeUndefined()
  })

  it('writes a table row per target and scenario', () => {
    const md = markdown(withFloorRatios([row('floor', 'drag 50/10', [2, 10], [40]), row('one', 'drag 50/10', [6, 40], [50])]), 'Run')
    expect(md).toContain(
      '| drag 50/10 | one | 6.0 / 40 / 40 / 40 | ×3.0 / ×4.0 | 3.0 / 20 / 20 (×3.0) | 4.0 / 8.0, 99 % (×1.0) | – | 0 / 0 | 50 % (×1.3) | 100 |'
    )
  })

  it('lists the rows that could not run, with the first line of why', () => {
    const md = markdown(
      [{ kind: 'failed', scenario: 'join 50,000 records', target: 'one', targetName: 'one', error: 'Error: timed out\n    at until' }],
      'Run'
    )
    expect(md).toContain('Could not run:\n\n- join 50,000 records, one: Error: timed out\n')
  })
})
