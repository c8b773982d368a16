import { describe, expect, it } from 'vitest'
import { attachmentHeader, exportFileName } from './fileName.ts'

const date = new Date(2026, 11, 6, 23, 30)
const SAFE = /^[A-Za-z0-9_.-]+$/

describe('exportFileName', () => {
  it('joins title, phase and local date', () => {
    expect(exportFileName({ title: 'Opificio Santarcangelo', phase: 2, date, ext: 'png' })).toBe('Opificio-Santarcangelo_fase-2_2026-12-06.png')
  })

  it('transliterates accents and drops apostrophes and punctuation', () => {
    const name = exportFileName({ title: 'Attività dell’Opificio: città, perché sì!', phase: 1, date, ext: 'svg' })
    expect(name).toBe('Attivita-dell-Opificio-citta-perche-si_fase-1_2026-12-06.svg')
    expect(exportFileName({ title: 'Straße Øresund Łódź', date, ext: 'png' })).toBe('Strasse-Oresund-Lodz_2026-12-06.png')
  })

  it('never lets a slash or a dot make a path or a hidden file', () => {
    const name = exportFileName({ title: '../Tavolo 1/2 \\ fase: bozza', date, ext: 'PNG' })
    expect(name).toBe('Tavolo-1-2-fase-bozza_2026-12-06.png')
    expect(name).toMatch(SAFE)
  })

  it('names a board without a title after the app, never "Senza titolo"', () => {
    for (const title of ['', '   ', '???', 'Senza titolo', 'Untitled', '🙂🙂']) {
      expect(exportFileName({ title, phase: 3, date, ext: 'png' })).toBe('Opificio_fase-3_2026-12-06.png')
    }
  })

  it('cuts a long title at a word, within 60 characters', () => {
    const title = 'Mappatura e co-progettazione operativa dei servizi del chilometro quadrato di Santarcangelo di Romagna'
    const name = exportFileName({ title, phase: 2, date, ext: 'png' })
    const titlePart = name.split('_')[0]
    expect(titlePart.length).toBeLessThanOrEqual(60)
    expect(titlePart).toBe('Mappatura-e-co-progettazione-operativa-dei-servizi-del')
    expect(name).toMatch(SAFE)
  })

  it('adds the part exported, and the phase in the word asked for', () => {
    expect(exportFileName({ title: 'Tavolo', phase: 3, date, ext: 'svg', part: 'Patto di Collaborazione', phaseWord: 'phase' })).toBe(
      'Tavolo_phase-3_Patto-di-Collaborazione_2026-12-06.svg'
    )
  })

  it('goes into a Content-Disposition header ASCII-safe, with the exact name alongside', () => {
    expect(attachmentHeader('Città "x".csv')).toBe(`attachment; filename="Citt_ _x_.csv"; filename*=UTF-8''Citt%C3%A0%20%22x%22.csv`)
  })
})
