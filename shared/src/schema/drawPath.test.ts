import { b64Vecs, createShapeId, type TLDrawShapeSegment, type VecModel } from '@tldraw/tlschema'
import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { checkDocDiff } from '../sync/checkDocDiff.ts'
import { geoShape } from '../testing/testRecords.ts'
import { checkDrawSegments, drawPathPointCount, DRAW_PATH_LIMITS } from './drawPath.ts'

type Dim = 2 | 3

function shape(type: 'draw' | 'highlight', segments: TLDrawShapeSegment[]) {
  const common = { color: 'black', size: 'm', segments, isComplete: true, isPen: false, scale: 1, scaleX: 1, scaleY: 1 }
  const props = type === 'draw' ? { ...common, fill: 'none', dash: 'draw', isClosed: false } : common
  return { ...geoShape(createShapeId(type)), type, props } as UnknownRecord & { id: string }
}

function put(record: ReturnType<typeof shape>) {
  return checkDocDiff({ [record.id]: ['put', record] })
}

function segment(path: string, dim: Dim): TLDrawShapeSegment {
  // tldraw writes `dim` only on 2-D segments, so 3-D ones serialize as before it existed.
  return dim === 2 ? { type: 'free', path, dim } : { type: 'free', path }
}

/** Deterministic so a failing cross-check can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A pen stroke whose coordinates survive tldraw's encoding exactly: whole first point (Float32),
 * deltas in quarters and pressures in 64ths (Float16), so decoding and re-encoding gives the
 * same string back and any difference is tldraw misreading the path.
 */
function stroke(count: number, random: () => number): VecModel[] {
  const points: VecModel[] = []
  let x = Math.round(random() * 2000 - 1000)
  let y = Math.round(random() * 2000 - 1000)
  for (let i = 0; i < count; i++) {
    points.push({ x, y, z: Math.round(random() * 64) / 64 })
    x += Math.round(random() * 64 - 32) / 4
    y += Math.round(random() * 64 - 32) / 4
  }
  return points
}

/** Characters tldraw's encoder writes for `count` points. */
function wholeLength(count: number, dim: Dim): number {
  if (count === 0) return 0
  const bytes = dim === 2 ? 8 + (count - 1) * 4 : 12 + (count - 1) * 6
  return 4 * Math.ceil(bytes / 3)
}

/** What tldraw does with a path: the points it decodes, or the error it throws. */
function tldrawDecode(path: string, dim: Dim): VecModel[] | Error {
  try {
    return b64Vecs.decodePoints(path, dim)
  } catch (e) {
    return e as Error
  }
}

describe('draw segment paths', () => {
  const random = mulberry32(5_4_2)

  it.each([
    [1, 3, 16],
    [2, 3, 24],
    [500, 3, 16 + 499 * 8],
    [1, 2, 12],
    [2, 2, 16],
    [3, 2, 24],
    [4, 2, 28],
    [500, 2, 4 * Math.ceil((8 + 499 * 4) / 3)],
  ] as const)('accepts %i points encoded %i-D by tldraw (%i characters)', (count, dim, length) => {
    const points = stroke(count, random)
    const path = b64Vecs.encodePoints(points, dim)
    expect(path).toHaveLength(length)
    expect(drawPathPointCount(path, dim)).toBe(count)
    expect(tldrawDecode(path, dim)).toEqual(dim === 3 ? points : points.map((p) => ({ ...p, z: 0.5 })))
    for (const type of ['draw', 'highlight'] as const) {
      expect(put(shape(type, [segment(path, dim), segment(path, dim)])).ok).toBe(true)
    }
  })

  it('accepts a segment with no points, which tldraw writes and reads as an empty path', () => {
    expect(b64Vecs.encodePoints([])).toBe('')
    expect(tldrawDecode('', 3)).toEqual([])
    expect(put(shape('draw', [segment('', 3)])).ok).toBe(true)
  })

  it('refuses the cut-short path that throws in tldraw for every viewer', () => {
    expect(tldrawDecode('AAAA', 3)).toBeInstanceOf(RangeError)
    for (const type of ['draw', 'highlight'] as const) {
      const result = put(shape(type, [segment('AAAA', 3)]))
      expect(!result.ok && result.refusal.detail).toMatch(
        /segment 0 path of 4 characters does not hold whole points: a 3-D path is padded base64 of 12 bytes for its first point and 6 for each next one/
      )
    }
  })

  const two = b64Vecs.encodePoints(stroke(2, random), 3)
  const three = b64Vecs.encodePoints(stroke(3, random), 3)
  const one2D = b64Vecs.encodePoints(stroke(1, random), 2)
  it.each([
    ['one character short', three.slice(0, -1), 3, /does not hold whole points/],
    ['one character extra', three + 'A', 3, /does not hold whole points/],
    ['a point short of its last delta', three.slice(0, -4), 3, /does not hold whole points/],
    ['a 3-D path read as 2-D', two, 2, /a 2-D path is padded base64 of 8 bytes for its first point and 4/],
    ['without its padding', one2D.slice(0, -1), 2, /does not hold whole points/],
    ['URL-safe base64', three.slice(0, -1) + '-', 3, /not standard base64/],
    ['a space', three.slice(0, 8) + ' ' + three.slice(9), 3, /not standard base64/],
    ['padding in the middle', one2D + one2D, 2, /not standard base64/],
    ['a non-ASCII letter', 'é'.repeat(16), 3, /not standard base64/],
  ] as const)('refuses a path %s', (_name, path, dim, reason) => {
    expect(drawPathPointCount(path, dim)).toBeNull()
    expect(() => checkDrawSegments({ segments: [segment(path, dim)] })).toThrow(reason)
    const result = put(shape('draw', [segment(b64Vecs.encodePoints(stroke(2, random)), 3), segment(path, dim)]))
    expect(!result.ok && result.refusal.detail).toMatch(/segment 1 path/)
  })

  it(`refuses more than ${DRAW_PATH_LIMITS.pointsPerShape} points across a shape's segments`, () => {
    // 'A' is zero bits: a first point at the origin and zero deltas, as long as needed.
    const points3D = (count: number) => segment('A'.repeat(16 + (count - 1) * 8), 3)
    const half = DRAW_PATH_LIMITS.pointsPerShape / 2
    expect(() => checkDrawSegments({ segments: [points3D(half), points3D(half)] })).not.toThrow()
    expect(() => checkDrawSegments({ segments: [points3D(half), points3D(half + 1)] })).toThrow(
      `more than ${DRAW_PATH_LIMITS.pointsPerShape} points in one shape`
    )
  })

  it("agrees with tldraw's decoder on 200 seeded lengths cut from and added to real strokes", () => {
    const sample = mulberry32(2026)
    const notBase64 = ['-', '_', ' ', '\n', '.', '=', 'é']
    let accepted = 0
    let refused = 0
    for (let i = 0; i < 200; i++) {
      const dim: Dim = sample() < 0.5 ? 2 : 3
      const count = 1 + Math.floor(sample() * 40)
      const encoded = b64Vecs.encodePoints(stroke(count, sample), dim)
      // Half the lengths anywhere, half at or next to the length of some whole number of points.
      const near = [-4, -1, 0, 0, 0, 1, 4][Math.floor(sample() * 7)]
      const length =
        sample() < 0.5 ? Math.floor(sample() * (encoded.length + 25)) : Math.max(0, wholeLength(Math.floor(sample() * (count + 4)), dim) + near)
      // Longer than the stroke: zero bits, as if more points stood still.
      let path = length <= encoded.length ? encoded.slice(0, length) : encoded + 'A'.repeat(length - encoded.length)
      if (path.length > 0 && sample() < 0.25) {
        const at = Math.floor(sample() * path.length)
        path = path.slice(0, at) + notBase64[Math.floor(sample() * notBase64.length)] + path.slice(at + 1)
      }
      const points = drawPathPointCount(path, dim)
      const decoded = tldrawDecode(path, dim)
      const context = { dim, path }
      if (points !== null) {
        accepted++
        expect(decoded, JSON.stringify(context)).toHaveLength(points)
        expect(b64Vecs.encodePoints(decoded as VecModel[], dim), JSON.stringify(context)).toBe(path)
      } else {
        refused++
        // Refused: tldraw throws, or what it decodes is not what the path says, so writing its
        // points back gives another path. (Browsers with a native base64 decoder throw instead.)
        const misread = decoded instanceof Error || b64Vecs.encodePoints(decoded, dim) !== path
        expect(misread, JSON.stringify(context)).toBe(true)
      }
    }
    expect(accepted).toBeGreaterThan(25)
    expect(refused).toBeGreaterThan(100)
  })
})
