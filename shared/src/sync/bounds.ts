/**
 * Bounds on untrusted JSON, checked before anything recursive touches it: tldraw's validators
 * accept thousands of nesting levels, and a value nested that deep makes JSON.stringify (the
 * log's encoder, Socket.IO's) overflow the stack wherever it next meets it.
 */
export interface JsonBounds {
  /** Nesting levels of arrays and objects below the value itself. */
  maxDepth: number
  /** Its size as JSON, in UTF-16 code units (close enough to bytes to bound memory and wire). */
  maxBytes: number
}

/** `exceeded` names the bound that was broken; absent when the value is not JSON at all. */
export type Measured = { ok: true; bytes: number } | { ok: false; reason: string; exceeded?: 'depth' | 'bytes' }

/**
 * Walks a value without recursion and stops at the first bound it breaks, so the walk itself is
 * bounded by the limit, not by the input. Values JSON cannot carry (functions, cycles) are refused.
 */
export function measureJson(value: unknown, bounds: JsonBounds): Measured {
  let bytes = 0
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }]
  const seen = new Set<object>()
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!
    if (v === null || v === undefined || typeof v === 'boolean') bytes += 5
    else if (typeof v === 'number') bytes += Number.isFinite(v) ? 24 : 4
    else if (typeof v === 'string') bytes += v.length + 2
    else if (typeof v === 'object') {
      if (depth >= bounds.maxDepth) return { ok: false, reason: `nested deeper than ${bounds.maxDepth} levels`, exceeded: 'depth' }
      if (seen.has(v)) return { ok: false, reason: 'a value that contains itself' }
      seen.add(v)
      if (Array.isArray(v)) {
        bytes += 2 + v.length
        for (const item of v) stack.push({ v: item, depth: depth + 1 })
      } else {
        bytes += 2
        for (const key of Object.keys(v)) {
          bytes += key.length + 4
          stack.push({ v: (v as Record<string, unknown>)[key], depth: depth + 1 })
        }
      }
    } else return { ok: false, reason: `a ${typeof v}, which JSON cannot carry` }
    if (bytes > bounds.maxBytes) return { ok: false, reason: `larger than ${formatBytes(bounds.maxBytes)}`, exceeded: 'bytes' }
  }
  return { ok: true, bytes }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`
  return `${n} bytes`
}
