import { describe, expect, it } from 'vitest'
import { fileNameOf } from './snapshotApi.ts'

describe('the name a download is saved under', () => {
  it('is the exact UTF-8 name when the server gives one, the plain one otherwise', () => {
    expect(fileNameOf(`attachment; filename="Citt_.csv"; filename*=UTF-8''Citt%C3%A0.csv`)).toBe('Città.csv')
    expect(fileNameOf('attachment; filename="Tavolo.json"')).toBe('Tavolo.json')
    expect(fileNameOf(`attachment; filename="x.csv"; filename*=UTF-8''%E0%A4%A`)).toBe('x.csv')
    expect(fileNameOf(null)).toBeNull()
  })
})
