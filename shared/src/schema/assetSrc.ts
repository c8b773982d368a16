/**
 * Where an asset's pixels may come from. Every viewer's browser loads an image or video asset, and
 * a bookmark's preview image and favicon, by itself: pointing one at another host would make every
 * browser on the board contact a server of the author's choice. So a board's assets are inline
 * (`data:` URLs, what tldraw makes of a pasted or dropped file) or served by this server.
 */

/** The fields of each asset type that a browser fetches on sight. */
const FETCHED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  image: ['src'],
  video: ['src'],
  bookmark: ['image', 'favicon'],
}

const INLINE_MEDIA = /^data:(image|video)\/[a-z0-9.+-]+[;,]/i

/** True for null or '' (no source), an image or video `data:` URL, or a path on this server. */
export function isLocalMediaSrc(src: unknown): boolean {
  if (src === null || src === '') return true
  if (typeof src !== 'string') return false
  if (INLINE_MEDIA.test(src)) return true
  // "//host/x" and "/\host/x" are read by browsers as another host; control characters and
  // whitespace are dropped by URL parsing before that decision, so they are refused outright.
  return src.startsWith('/') && !/^\/[/\\]/.test(src) && !/[\u0000-\u0020\u007f\\]/.test(src)
}

/** Throws an Error naming the field when an asset record would make browsers fetch from elsewhere. */
export function checkAssetSources(asset: { type?: unknown; props?: unknown }): void {
  const fields = typeof asset.type === 'string' && Object.hasOwn(FETCHED_FIELDS, asset.type) ? FETCHED_FIELDS[asset.type] : undefined
  if (!fields || typeof asset.props !== 'object' || asset.props === null) return
  const props = asset.props as Record<string, unknown>
  for (const field of fields) {
    if (!isLocalMediaSrc(props[field])) {
      throw new Error(`${asset.type} asset ${field} must be an inline image or video or a path on this server`)
    }
  }
}
