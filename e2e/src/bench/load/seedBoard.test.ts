import { describe, expect, it } from 'vitest'
import { diagramRecords, indexKey } from './seedBoard.ts'

describe('a seeded diagram', () => {
  it('stacks every shape in its own place, in order', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => indexKey(i))
    expect(keys.slice(0, 2)).toEqual(['a0', 'a1'])
    expect(keys.slice(61, 63)).toEqual(['az', 'b00'])
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys.every((k, i) => i === 0 || keys[i - 1] < k)).toBe(true)
  })

  it('holds 2 element cards and a relation (an arrow and its 2 bindings) in every 5 records', () => {
    const records = diagramRecords(500)
    expect(records).toHaveLength(500)
    const count = (f: (r: (typeof records)[number]) => boolean) => records.filter(f).length
    expect(count((r) => (r as { type?: string }).type === 'element')).toBe(200)
    expect(count((r) => r.typeName === 'shape' && (r as { type?: string }).type === 'arrow')).toBe(100)
    expect(count((r) => r.typeName === 'binding')).toBe(200)
    const indices = records.filter((r) => r.typeName === 'shape').map((r) => (r as { index?: string }).index)
    expect(new Set(indices).size).toBe(300)
  })
})
