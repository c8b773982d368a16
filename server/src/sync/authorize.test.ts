import { BALANCE_SHAPE, DOCUMENT_TYPE_NAMES, FIRST_PAGE_ID, TEMPLATE_RECORD_ID, type DocDiff, type Role } from '@opificio/shared'
import { arrowBinding, arrowShape, geoShape } from '@opificio/shared/testing'
import type { UnknownRecord } from '@tldraw/store'
import { describe, expect, it } from 'vitest'
import { authorizeDiff, RECORD_AUTHORIZERS, type RecordAuthorizer } from './authorize.ts'

const frame = (id: string, over: Record<string, unknown> = {}) =>
  geoShape(id, { type: 'frame', props: { w: 400, h: 300, name: '', color: 'black' }, ...over })

/** A board with an open frame, a locked frame with a card inside, a locked card and an arrow. */
function board() {
  const records = [
    frame('open'),
    frame('lockedFrame', { isLocked: true }),
    geoShape('inLocked', { parentId: 'shape:lockedFrame' }),
    geoShape('lockedCard', { isLocked: true }),
    geoShape('free'),
    arrowShape('arrow'),
    arrowBinding('bind', 'shape:arrow', 'shape:free', 'start'),
    { id: FIRST_PAGE_ID, typeName: 'page', name: 'Pagina 1', index: 'a1', meta: {} },
  ] as unknown as UnknownRecord[]
  const map = new Map<string, UnknownRecord>(records.map((r) => [r.id, r]))
  return (id: string) => map.get(id)
}

const patch = (id: string, set: Record<string, unknown>): DocDiff => ({ [id]: ['patch', { set }] })
const put = (r: UnknownRecord): DocDiff => ({ [r.id]: ['put', r] })
const remove = (id: string): DocDiff => ({ [id]: ['remove'] })

/** Each change, and who may make it: f(acilitator), p(articipant), nobody else. A projector writes nothing. */
const MATRIX: [string, DocDiff, 'f' | 'fp', ('forbidden' | 'locked')?][] = [
  ['move a free card', patch('shape:free', { x: 10 }), 'fp'],
  ['add a card', put(geoShape('new')), 'fp'],
  ['add a card to an open frame', put(geoShape('new', { parentId: 'shape:open' })), 'fp'],
  ['delete a free card', remove('shape:free'), 'fp'],
  ['bind an arrow', put(arrowBinding('b2', 'shape:arrow', 'shape:free', 'end')), 'fp'],
  ['add a page', put({ id: 'page:two', typeName: 'page', name: 'Due', index: 'a2', meta: {} } as unknown as UnknownRecord), 'fp'],
  ['rename a page', patch(FIRST_PAGE_ID, { name: 'Tavolo' }), 'fp'],
  ['add an image', put({ id: 'asset:img', typeName: 'asset', type: 'image', props: {}, meta: {} } as unknown as UnknownRecord), 'fp'],
  ['remove a page', remove(FIRST_PAGE_ID), 'f', 'forbidden'],
  ['change the template', patch(TEMPLATE_RECORD_ID, { sectors: [] }), 'f', 'forbidden'],
  ['rename the document', patch('document:document', { name: 'x' }), 'f', 'forbidden'],
  ['insert a phase template', put(geoShape('bal', { type: BALANCE_SHAPE, props: { w: 100, h: 100 } })), 'f', 'forbidden'],
  ['lock a card', patch('shape:free', { isLocked: true }), 'f', 'forbidden'],
  ['unlock a locked card', patch('shape:lockedCard', { isLocked: false }), 'f', 'locked'],
  ['add a card already locked', put(geoShape('new', { isLocked: true })), 'f', 'forbidden'],
  ['move a locked card', patch('shape:lockedCard', { x: 99 }), 'f', 'locked'],
  ['delete a locked card (select-all, Delete)', remove('shape:lockedCard'), 'f', 'locked'],
  ['move a card inside a locked frame', patch('shape:inLocked', { x: 5 }), 'f', 'locked'],
  ['delete a card inside a locked frame', remove('shape:inLocked'), 'f', 'locked'],
  ['delete a locked frame', remove('shape:lockedFrame'), 'f', 'locked'],
  ['add a card into a locked frame', put(geoShape('new', { parentId: 'shape:lockedFrame' })), 'f', 'locked'],
  ['move a card into a locked frame', patch('shape:free', { parentId: 'shape:lockedFrame' }), 'f', 'locked'],
]

describe('authorizing a push, record type by record type, role by role', () => {
  it('has a decision for every document record type', () => {
    expect(Object.keys(RECORD_AUTHORIZERS).sort()).toEqual([...DOCUMENT_TYPE_NAMES].sort())
  })

  it.each(MATRIX)('%s', (_what, diff, allowed, participantRefusal) => {
    const at = board()
    const verdict = (role: Role) => authorizeDiff(role, diff, at)?.code ?? 'allowed'
    expect(verdict('facilitator')).toBe('allowed')
    expect(verdict('participant')).toBe(allowed === 'fp' ? 'allowed' : participantRefusal)
    expect(verdict('projector')).toBe('forbidden')
  })

  it('refuses a whole push for one record a participant may not touch, naming its type and the role', () => {
    const diff: DocDiff = { ...patch('shape:free', { x: 1 }), ...remove(FIRST_PAGE_ID) }
    expect(authorizeDiff('participant', diff, board())).toEqual({
      code: 'forbidden',
      params: { type: 'page', role: 'participant' },
      detail: 'a participant may not change page:page',
    })
  })

  it('fails closed: a record type nobody has decided on is refused, even a facilitator', () => {
    const only: Record<string, RecordAuthorizer> = { shape: () => true }
    expect(authorizeDiff('facilitator', { 'shape:a': ['remove'], 'template:board': ['remove'] }, board(), only)?.code).toBe('forbidden')
    const odd = { 'constructor:x': ['remove'], 'toString:y': ['remove'] } as unknown as DocDiff
    expect(authorizeDiff('facilitator', odd, board())?.code).toBe('forbidden')
  })
})
