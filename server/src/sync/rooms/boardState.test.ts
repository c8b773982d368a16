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
    expect(state.bytes).toBe(records.reduce((sum, r) => sum + JSON.stringify(r).length, 0))
  })
})
