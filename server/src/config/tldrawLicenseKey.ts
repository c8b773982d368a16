/**
 * Why a tldraw license key is malformed, or null when it has the shape tldraw reads: what
 * `LicenseManager.extractLicenseKey` (in @tldraw/editor) takes apart,
 * `tldraw-<edition>/<base64 JSON [id, hosts, flags, expiry]>.<base64 signature>`. The signature
 * itself is tldraw's to check, in the browser; a key cut short or pasted from the wrong place is
 * caught here, before the canvas goes blank in production.
 */
export function licenseKeyProblem(key: string): string | null {
  const [data, signature, ...more] = cleanLicenseKey(key).split('.')
  if (signature === undefined || more.length > 0) return 'it must be two parts separated by one "."'
  const [prefix, encoded, ...extra] = data.split('/')
  if (!prefix.startsWith('tldraw-')) return 'it must start with "tldraw-"'
  if (encoded === undefined || extra.length > 0) return 'its first part must be "tldraw-…/" followed by the licence data'
  if (!BASE64.test(encoded) || !BASE64.test(signature)) return 'its data and signature must be base64'
  let fields: unknown
  try {
    fields = JSON.parse(atob(encoded))
  } catch {
    return 'its data does not decode to JSON'
  }
  if (!Array.isArray(fields) || typeof fields[0] !== 'string' || !Array.isArray(fields[1]) || typeof fields[2] !== 'number') {
    return 'its data is not a tldraw licence (id, hosts, flags, expiry)'
  }
  return null
}

/** As tldraw cleans a key before reading it: zero-width characters and line breaks from a copy and paste go. */
export function cleanLicenseKey(key: string): string {
  return key.replace(/[\u200B-\u200D\uFEFF]/g, '').replace(/\r?\n|\r/g, '')
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
