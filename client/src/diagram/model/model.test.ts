import { OPIFICIO_TEMPLATE, type RelationType } from '@opificio/shared'
import { describe, expect, it as test } from 'vitest'
import { hasCommitment, retypedMeta, retypeLosesCommitment } from './model.ts'

const type = (id: string) => OPIFICIO_TEMPLATE.relationTypes.find((r) => r.id === id) as RelationType
const written = { what: 'Aprire il doposcuola', by: '', resources: '' }

describe('retyping a relation and its commitment', () => {
  test('a commitment counts as written when any of its fields has more than spaces', () => {
    expect(hasCommitment({})).toBe(false)
    expect(hasCommitment({ commitment: { what: ' ', by: '', resources: '' } })).toBe(false)
    expect(hasCommitment({ commitment: { what: '', by: 'giugno', resources: '' } })).toBe(true)
  })

  test('only leaving a written commitment for a type without one asks first', () => {
    expect(retypeLosesCommitment({ relation: 'impegno', commitment: written }, type('coordina'))).toBe(true)
    expect(retypeLosesCommitment({ relation: 'impegno', commitment: { what: '', by: '', resources: '' } }, type('coordina'))).toBe(false)
    expect(retypeLosesCommitment({ relation: 'impegno', commitment: written }, type('impegno'))).toBe(false)
    expect(retypeLosesCommitment({ relation: 'coordina' }, type('collabora'))).toBe(false)
  })

  test('a commitment type gets empty fields or keeps its own; any other type drops them, keeping the lines', () => {
    expect(retypedMeta({ relation: 'coordina', lines: ['welfare'] }, type('impegno'))).toEqual({
      relation: 'impegno',
      lines: ['welfare'],
      commitment: { what: '', by: '', resources: '' },
    })
    expect(retypedMeta({ relation: 'impegno', commitment: written }, type('impegno'))).toEqual({ relation: 'impegno', commitment: written })
    expect(retypedMeta({ relation: 'impegno', lines: ['welfare'], commitment: written }, type('coordina'))).toEqual({
      relation: 'coordina',
      lines: ['welfare'],
    })
  })
})
