import type { UnknownRecord } from '@tldraw/store'
import { DOCUMENT_TYPE_NAMES, type DocDiff } from '@opificio/shared'
import { geoShape } from '@opificio/shared/testing'
import { describe, expect, it } from 'vitest'
import { authorizeDiff, RECORD_AUTHORIZERS, type RecordAuthorizer } from './authorize.ts'

const nothing = () => undefined

describe('authorizing a push, record type by record type', () => {
  it('has a decision for every document record type, and lets participants edit the document', () => {
    expect(Object.keys(RECORD_AUTHORIZERS).sort()).toEqual([...DOCUMENT_TYPE_NAMES].sort())
    const diff: DocDiff = { 'shape:a': ['put', geoShape('a')], 'page:page': ['patch', { set: { name: 'Tavolo' } }], 'binding:b': ['remove'] }
    expect(authorizeDiff('participant', diff, nothing)).toBeNull()
  })

  it('fails closed: a record type nobody has decided on is refused, naming the type', () => {
    const only: Record<string, RecordAuthorizer> = { shape: () => true }
    const diff: DocDiff = { 'shape:a': ['remove'], 'template:board': ['remove'] }
    expect(authorizeDiff('participant', diff, nothing, only)).toEqual({
      code: 'forbidden',
      params: { type: 'template' },
      detail: 'a participant may not change template:board',
    })
  })

  it('does not take a type named like an object property for a decided one', () => {
    const diff = { 'constructor:x': ['remove'], 'toString:y': ['remove'] } as unknown as DocDiff
    expect(authorizeDiff('participant', diff, nothing)?.code).toBe('forbidden')
  })

  it('gives each check the role, the operation and the record as the board holds it', () => {
    const seen: unknown[] = []
    const before = geoShape('a')
    const spy: RecordAuthorizer = (role, change) => {
      seen.push([role, change.id, change.op[0], change.before])
      return change.op[0] !== 'remove'
    }
    const board = new Map<string, UnknownRecord>([[before.id, before]])
    const refusal = authorizeDiff('participant', { 'shape:a': ['patch', { set: { x: 1 } }], 'shape:b': ['remove'] }, (id) => board.get(id), {
      shape: spy,
    })
    expect(seen).toEqual([
      ['participant', 'shape:a', 'patch', before],
      ['participant', 'shape:b', 'remove', undefined],
    ])
    expect(refusal?.params).toEqual({ type: 'shape' })
  })
})
