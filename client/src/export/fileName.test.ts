import { describe, expect, it } from 'vitest'
import { exportFileName } from './fileName.ts'

describe('exportFileName in the page', () => {
  it('says "fase" in Italian and "phase" in English, and names an untitled board after the app', () => {
    const date = new Date(2026, 11, 6, 23, 30)
    expect(exportFileName({ title: 'Tavolo', phase: 3, date, ext: 'svg', frameName: 'Patto' })).toBe('Tavolo_fase-3_Patto_2026-12-06.svg')
    expect(exportFileName({ title: 'Tavolo', phase: 3, date, ext: 'svg', locale: 'en' })).toBe('Tavolo_phase-3_2026-12-06.svg')
    expect(exportFileName({ title: 'Senza titolo', date, ext: 'png' })).toBe('Opificio_2026-12-06.png')
  })
})
