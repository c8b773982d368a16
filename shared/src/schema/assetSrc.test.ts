import { describe, expect, it } from 'vitest'
import { checkDocDiff } from '../sync/checkDocDiff.ts'
import { isLocalMediaSrc } from './assetSrc.ts'

function imageAsset(src: string | null) {
  return {
    id: 'asset:img',
    typeName: 'asset',
    type: 'image',
    meta: {},
    props: { w: 10, h: 10, name: 'foto.png', isAnimated: false, mimeType: 'image/png', src },
  }
}

function bookmarkAsset(over: Record<string, string>) {
  return {
    id: 'asset:bm',
    typeName: 'asset',
    type: 'bookmark',
    meta: {},
    props: { title: 'Comune', description: '', image: '', favicon: '', src: 'https://www.comune.santarcangelo.rn.it/', ...over },
  }
}

const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='

describe('asset sources', () => {
  it.each([
    ['an inline image', PIXEL],
    ['an inline video', 'data:video/mp4;base64,AAAA'],
    ['a path on this server', '/api/assets/foto.png'],
    ['no source yet', null],
    ['an empty source', ''],
  ])('accepts %s', (_name, src) => {
    expect(isLocalMediaSrc(src)).toBe(true)
    expect(checkDocDiff({ 'asset:img': ['put', imageAsset(src)] }).ok).toBe(true)
  })

  it.each([
    ['another host', 'http://evil.example/x.png'],
    ['another host over https', 'https://evil.example/x.png'],
    ['a protocol-relative URL', '//evil.example/x.png'],
    ['a backslash that browsers read as a host', '/\\evil.example/x.png'],
    ['a tab that browsers drop', '/\t/evil.example/x.png'],
    ['an inline page', 'data:text/html,<script>alert(1)</script>'],
  ])('refuses %s with a reason', (_name, src) => {
    expect(isLocalMediaSrc(src)).toBe(false)
    const result = checkDocDiff({ 'asset:img': ['put', imageAsset(src)] })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.refusal.detail).toMatch(/image asset src must be an inline image or video or a path on this server/)
  })

  it('refuses a bookmark whose preview image or favicon is on another host, not its link', () => {
    expect(checkDocDiff({ 'asset:bm': ['put', bookmarkAsset({})] }).ok).toBe(true)
    expect(checkDocDiff({ 'asset:bm': ['put', bookmarkAsset({ favicon: PIXEL, image: '/x.png' })] }).ok).toBe(true)
    for (const field of ['image', 'favicon']) {
      const result = checkDocDiff({ 'asset:bm': ['put', bookmarkAsset({ [field]: 'https://evil.example/pixel.gif' })] })
      expect(!result.ok && result.refusal.detail).toMatch(new RegExp(`bookmark asset ${field} must be`))
    }
  })
})
