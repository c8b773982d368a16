import { describe, expect, it } from 'vitest'
import { measureJson } from './bounds.ts'

function nested(depth: number): unknown {
  let v: unknown = 'leaf'
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v }
  return v
}

describe('measureJson', () => {
  it('accepts what is within bounds and estimates its size from above', () => {
    const value = { a: [1, 'two', null, true], b: { c: 'x'.repeat(100) } }
    const r = measureJson(value, { maxDepth: 3, maxBytes: 1000 })
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.bytes).toBeGreaterThanOrEqual(JSON.stringify(value).length)
  })

  it('refuses nesting past the bound, even 100,000 levels deep, without overflowing the stack', () => {
    expect(measureJson(nested(5), { maxDepth: 5, maxBytes: 1e6 }).ok).toBe(true)
    expect(measureJson(nested(6), { maxDepth: 5, maxBytes: 1e6 })).toEqual({ ok: false, reason: 'nested deeper than 5 levels', exceeded: 'depth' })
    expect(measureJson(nested(100_000), { maxDepth: 32, maxBytes: 1e9 }).ok).toBe(false)
  })

  it('refuses what is too large, stopping early', () => {
    const big = Array.from({ length: 100_000 }, () => 'xxxxxxxx')
    const r = measureJson(big, { maxDepth: 4, maxBytes: 4096 })
    expect(r).toEqual({ ok: false, reason: 'larger than 4 KiB', exceeded: 'bytes' })
  })

  it('takes a value met twice for what it is, not a cycle', () => {
    const shared = { x: 1 }
    expect(measureJson({ a: shared, b: [shared, shared] }, { maxDepth: 10, maxBytes: 1e6 }).ok).toBe(true)
  })

  it('refuses cycles and values JSON cannot carry', () => {
    const a: Record<string, unknown> = {}
    a.self = a
    expect(measureJson(a, { maxDepth: 10, maxBytes: 1e6 })).toEqual({ ok: false, reason: 'a value that contains itself' })
    expect(measureJson({ f: () => 1 }, { maxDepth: 10, maxBytes: 1e6 }).ok).toBe(false)
    expect(measureJson({ n: 10n }, { maxDepth: 10, maxBytes: 1e6 }).ok).toBe(false)
  })
})
