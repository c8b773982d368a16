import { OPIFICIO_TEMPLATE } from '@opificio/shared'
import { describe, expect, it as test } from 'vitest'
import { elementDescription, relationDescription } from './describe.ts'

const element = { kind: 'terzo-settore', name: 'Coop. Il Mosaico', sector: 'privato-sociale', lines: ['welfare', 'relazioni'] }

describe('what a screen reader hears of an element', () => {
  test('kind and name, sector, production lines and how many relations, in Italian', () => {
    expect(elementDescription(element, OPIFICIO_TEMPLATE, 'it', 2)).toBe(
      'Organizzazione del Terzo settore: Coop. Il Mosaico. settore Privato sociale. ' +
        'linee di produzione: Welfare personalizzato e comunitario, Relazioni significative. 2 relazioni'
    )
  })

  test('in English, with one relation', () => {
    expect(elementDescription(element, OPIFICIO_TEMPLATE, 'en', 1)).toBe(
      'Third-sector organisation: Coop. Il Mosaico. sector Third sector. ' +
        'production lines: Personalised and community welfare, Meaningful relationships. 1 relation'
    )
  })

  test('a card still named after its kind, with no sector, lines or relations, is read once', () => {
    expect(elementDescription({ kind: 'comune', name: 'Comune', sector: '', lines: [] }, OPIFICIO_TEMPLATE, 'it', 0)).toBe('Comune')
  })
})

describe('what a screen reader hears of a relation', () => {
  const ends = { from: 'Coop. Il Mosaico', to: 'Doposcuola' }

  test('its type and ends', () => {
    expect(relationDescription({ relation: 'coordina' }, ends, OPIFICIO_TEMPLATE, 'it')).toBe('coordina: da Coop. Il Mosaico a Doposcuola')
    expect(relationDescription({}, ends, OPIFICIO_TEMPLATE, 'en')).toBe('Untyped relation: from Coop. Il Mosaico to Doposcuola')
  })

  test('a commitment with what was written of it, and the lines', () => {
    const meta = { relation: 'impegno', lines: ['solidarieta'], commitment: { what: 'Aprire il doposcuola', by: 'giugno 2027', resources: '' } }
    expect(relationDescription(meta, ends, OPIFICIO_TEMPLATE, 'it')).toBe(
      'si impegna a: da Coop. Il Mosaico a Doposcuola. linee di produzione: Solidarietà e collaborazione generativa. ' +
        'Che cosa: Aprire il doposcuola. Entro quando: giugno 2027'
    )
  })

  test('a commitment left behind by another type is not read', () => {
    const meta = { relation: 'coordina', commitment: { what: 'vecchio', by: '', resources: '' } }
    expect(relationDescription(meta, ends, OPIFICIO_TEMPLATE, 'it')).toBe('coordina: da Coop. Il Mosaico a Doposcuola')
  })
})
