import { describe, expect, it } from 'vitest'
import { attachmentHeader, exportFileName } from './fileName.ts'

const date = new Date('2026-12-06T10:00:00Z')

describe('the name of an exported file', () => {
  it('is the title, the phase and the day, without accents or characters files cannot hold', () => {
    expect(exportFileName({ title: 'Opificio — Santarcangelo: «Tavolo» n° 2/3', phase: 2, date, ext: 'csv' })).toBe(
      'Opificio-Santarcangelo-Tavolo-n-2-3_fase-2_2026-12-06.csv'
    )
    expect(exportFileName({ title: 'Città più attiva', phase: null, date, ext: 'pdf' })).toBe('Citta-piu-attiva_2026-12-06.pdf')
  })

  it('is never empty or "Senza titolo", and stays short', () => {
    expect(exportFileName({ title: '  ★★★  ', phase: 1, date, ext: 'png' })).toBe('Opificio_fase-1_2026-12-06.png')
    const long = exportFileName({ title: 'Parola '.repeat(40), phase: 3, date, ext: 'svg', part: 'Patto di collaborazione' })
    // The title is cut at 60 characters.
    expect(long).toBe(`${'Parola-'.repeat(8)}Paro_Patto-di-collaborazione_fase-3_2026-12-06.svg`)
    expect(long.length).toBeLessThan(120)
  })

  it('goes into a Content-Disposition header ASCII-safe, with the exact name alongside', () => {
    expect(attachmentHeader('Città "x".csv')).toBe(`attachment; filename="Citt_ _x_.csv"; filename*=UTF-8''Citt%C3%A0%20%22x%22.csv`)
  })
})
