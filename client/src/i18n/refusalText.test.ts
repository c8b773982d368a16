import { REFUSAL_CODES, refusal, type Refusal } from '@opificio/shared'
import { describe, expect, it as test } from 'vitest'
import { useUserStore } from '../user/userStore.ts'
import { refusalText } from './refusalText.ts'
import { en, it } from './strings.ts'

describe('refusal texts', () => {
  test('say a size limit readably, in Italian and in English', () => {
    const r = refusal('too-large', { limit: 1024 * 1024 })
    expect(refusalText(r, 'it')).toBe('La modifica è troppo grande (oltre 1 MB)')
    expect(refusalText(r, 'en')).toBe('The change is too large (over 1 MB)')
    expect(refusalText(refusal('board-full', { limit: 64 * 1024 * 1024 }), 'it')).toBe('La lavagna è piena: non può superare 64 MB')
    expect(refusalText(refusal('board-full', { limit: 1536 * 1024 }), 'it')).toBe('La lavagna è piena: non può superare 1,5 MB')
    expect(refusalText(refusal('board-full', { limit: 1536 * 1024 }), 'en')).toBe('The board is full: it cannot grow beyond 1.5 MB')
  })

  test('say a count limit with the language’s digit grouping', () => {
    const r = refusal('board-records', { limit: 50_000 })
    expect(refusalText(r, 'it')).toBe('La lavagna è piena: non può contenere più di 50.000 oggetti')
    expect(refusalText(r, 'en')).toBe('The board is full: it cannot hold more than 50,000 items')
  })

  test('translate what a template lacks, keeping its id', () => {
    const r = refusal('not-in-template', { what: 'line', id: 'linea-x' })
    expect(refusalText(r, 'it')).toBe('Questa lavagna non prevede la linea di produzione «linea-x»')
    expect(refusalText(r, 'en')).toBe('This board has no production line “linea-x”')
    const removal = refusal('template-removal', { what: 'kind', id: 'cittadino' })
    expect(refusalText(removal, 'it')).toBe('Non si può togliere il tipo di elemento «cittadino» da questa lavagna: si può solo rinominare')
    expect(refusalText(removal, 'en')).toBe('The element type “cittadino” cannot be removed from this board, only renamed')
  })

  test('translate common record types and fall back to the raw name', () => {
    const forbidden = refusal('forbidden', { type: 'page', role: 'participant' })
    expect(refusalText(forbidden, 'it')).toBe('Il tuo ruolo non permette di modificare questo contenuto (pagina)')
    expect(refusalText(forbidden, 'en')).toBe('Your role does not allow changing this content (page)')
    expect(refusalText(refusal('record-type', { type: 'widget' }), 'it')).toBe('Questo tipo di contenuto non può stare su una lavagna (widget)')
  })

  test('say why nothing sticks once the session is closed', () => {
    expect(refusalText(refusal('session-ended', {}), 'it')).toBe(
      'Chi facilita ha chiuso la sessione: la lavagna è in sola lettura finché non la riapre'
    )
    expect(refusalText(refusal('forbidden', { type: 'session', role: 'participant' }), 'en')).toBe(
      'Your role does not allow changing this content (session)'
    )
  })

  test('say why a locked shape did not move', () => {
    expect(refusalText(refusal('locked', {}), 'it')).toBe('Questo elemento è bloccato da chi facilita: non si può spostare, modificare né eliminare')
    expect(refusalText(refusal('locked', {}), 'en')).toBe('This element is locked by the facilitator: it cannot be moved, changed or deleted')
  })

  test('say codes without params, and never the detail', () => {
    const r = refusal('last-page', {}, 'cannot delete page:abc, the last page')
    expect(refusalText(r, 'it')).toBe('L’ultima pagina non si può eliminare')
    expect(refusalText(r, 'en')).toBe('The last page cannot be deleted')
  })

  test('speak the user’s current language unless told', () => {
    const r = refusal('protected', {})
    useUserStore.setState({ locale: 'en' })
    expect(refusalText(r)).toBe('This part of the board cannot be deleted')
    useUserStore.setState({ locale: 'it' })
    expect(refusalText(r)).toBe('Questa parte della lavagna non si può eliminare')
  })

  test('say something sensible for a code this client does not know', () => {
    const r = { code: 'from-the-future', detail: 'English text' } as unknown as Refusal
    expect(refusalText(r, 'it')).toBe('Questa versione della pagina non conosce il motivo: ricaricala per aggiornarla')
  })

  const SENTENCE = /^\p{Lu}\S*(\s\S+)+$/u
  test('have every refusal code in both languages', () => {
    expect(REFUSAL_CODES).toEqual([
      'malformed',
      'record-invalid',
      'record-type',
      'too-large',
      'too-deep',
      'too-many-records',
      'board-full',
      'board-records',
      'no-parent',
      'nesting',
      'protected',
      'last-page',
      'not-in-template',
      'commitment-incomplete',
      'template-removal',
      'unstorable',
      'forbidden',
      'locked',
      'session-ended',
      'vote-closed',
      'no-dots-left',
    ])
    // Each language has a line for every code, and none for a code that does not exist.
    const codeKeys = (table: Record<string, string | undefined>) =>
      Object.keys(table)
        .filter((k) => /^refusal\.[^.]+$/.test(k))
        .sort()
    const expected = [...REFUSAL_CODES.map((code) => `refusal.${code}`), 'refusal.unknown'].sort()
    expect(codeKeys(it)).toEqual(expected)
    expect(codeKeys(en)).toEqual(expected)
    for (const code of REFUSAL_CODES) {
      const key = `refusal.${code}` as keyof typeof it
      // A sentence: capitalised, several words, nothing blank around it.
      expect(it[key], `Italian for ${code}`).toMatch(SENTENCE)
      expect(en[key], `English for ${code}`).toMatch(SENTENCE)
      expect(en[key], `English for ${code} is not the Italian`).not.toBe(it[key])
    }
  })

  test('have every template item in both languages', () => {
    const words = (table: Record<string, string | undefined>) =>
      ['kind', 'sector', 'line', 'relation', 'phase'].map((what) => table[`refusal.what.${what}`])
    expect(words(it)).toEqual(['il tipo di elemento', 'il settore', 'la linea di produzione', 'il tipo di relazione', 'la fase'])
    expect(words(en)).toEqual(['element type', 'sector', 'production line', 'relation type', 'phase'])
  })
})
