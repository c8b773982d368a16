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
 * Walks a value and stops at the first bound it breaks, so the walk itself is bounded by the
 * limit, not by the input: it recurses only into values within the depth bound. Values JSON
 * cannot carry (functions, cycles) are refused. Every push and every record a fold produces is
 * measured, so the walk allocates nothing per value.
 */
export function measureJson(value: unknown, bounds: JsonBounds): Measured {
  const walk: Walk = { bounds, bytes: 0, ancestors: [], failure: null }
  return visit(walk, value, 0) ? { ok: true, bytes: walk.bytes } : walk.failure!
}

interface Walk {
  bounds: JsonBounds
  bytes: number
  /** The objects the walk is inside: a value among them contains itself. */
  ancestors: object[]
  failure: Measured | null
}

function visit(walk: Walk, v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
      walk.bytes += v.length + 2
      break
    case 'number':
      walk.bytes += Number.isFinite(v) ? 24 : 4
      break
    case 'boolean':
    case 'undefined':
      walk.bytes += 5
      break
    case 'object':
      if (v === null) walk.bytes += 5
      else if (!visitObject(walk, v, depth)) return false
      break
    default:
      return fail(walk, `a ${typeof v}, which JSON cannot carry`)
  }
  return walk.bytes <= walk.bounds.maxBytes || fail(walk, `larger than ${formatBytes(walk.bounds.maxBytes)}`, 'bytes')
}

function visitObject(walk: Walk, v: object, depth: number): boolean {
  if (depth >= walk.bounds.maxDepth) return fail(walk, `nested deeper than ${walk.bounds.maxDepth} levels`, 'depth')
  if (walk.ancestors.includes(v)) return fail(walk, 'a value that contains itself')
  walk.ancestors.push(v)
  if (Array.isArray(v)) {
    walk.bytes += 2 + v.length
    for (let i = 0; i < v.length; i++) if (!visit(walk, v[i], depth + 1)) return false
  } else {
    walk.bytes += 2
    const record = v as Record<string, unknown>
    for (const key of Object.keys(record)) {
      walk.bytes += key.length + 4
      if (!visit(walk, record[key], depth + 1)) return false
    }
  }
  walk.ancestors.pop()
  return true
}

function fail(walk: Walk, reason: string, exceeded?: 'depth' | 'bytes'): false {
  walk.failure = exceeded ? { ok: false, reason, exceeded } : { ok: false, reason }
  return false
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`
  return `${n} bytes`
}
