import { boardSchema, createInitialRecords, welcomeRecords, type DocDiff } from '@opificio/shared'
import { geoShape } from '@opificio/shared/testing'
import { describe, expect, it } from 'vitest'
import { BoardState } from './boardState.ts'

const document = (state: BoardState) => welcomeRecords({ document: state.documentJson() } as never)!

describe('BoardState', () => {
  it('gives the document a welcome carries, and its size, as they stand after every kind of change', () => {
    const initial = createInitialRecords('Pagina 1')
    const state = new BoardState({ offset: 0, records: initial, clientSeqs: {}, schema: boardSchema.serialize() }, [])
    const entry = (offset: number, diff: DocDiff) => ({ offset, clientId: 'clientAAAA', seq: offset, diff })
    state.fold(entry(1, { 'shape:a': ['put', geoShape('a')], 'shape:b': ['put', geoShape('b', { x: 5 })] }))
    state.fold(entry(2, { 'shape:a': ['patch', { set: { x: 42 } }] }))
    state.fold(entry(3, { 'shape:b': ['remove'] }))

    const records = [...state.records.values()]
    expect(document(state)).toEqual(records)
    expect(records.find((r) => r.id === 'shape:a')).toMatchObject({ x: 42 })
    expect(records.some((r) => r.id === 'shape:b')).toBe(false)
    expect(state.bytes).toBe(records.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0))
  })

  it('serves the records storage read as JSON as they were read, and serializes only those changed since', () => {
    const records = [...createInitialRecords('Pagina 1'), geoShape('a', {}, { w: 10 }), geoShape('b')]
    // What a file holds may be spelled otherwise than JSON.stringify would (escapes, spacing).
    const asRead = records.map((r) => Buffer.from(JSON.stringify(r, null, 1)))
    const moved = { ...records.at(-1)!, x: 7 }
    const state = new BoardState(
      { offset: 5, records, clientSeqs: {}, schema: boardSchema.serialize() },
      [{ offset: 6, clientId: 'clientAAAA', seq: 1, diff: { [moved.id]: ['patch', { set: { x: 7 } }] } }],
      asRead
    )

    const text = new TextDecoder().decode(state.documentJson())
    for (const json of asRead.slice(0, -1)) expect(text).toContain(json.toString())
    expect(text).not.toContain(asRead.at(-1)!.toString())
    expect(document(state)).toEqual([...records.slice(0, -1), moved])
    const kept = asRead.slice(0, -1).reduce((sum, j) => sum + j.byteLength, 0)
    expect(state.bytes).toBe(kept + Buffer.byteLength(JSON.stringify(moved)))
  })
})
