export interface RuntimeConfig {
  /** Given by the server at run time: tldraw needs a license key in production over HTTPS. */
  tldrawLicenseKey: string | null
}

let pending: Promise<RuntimeConfig> | null = null

export function loadRuntimeConfig(): Promise<RuntimeConfig> {
  pending ??= fetch('/api/config')
    .then((r) => (r.ok ? (r.json() as Promise<RuntimeConfig>) : { tldrawLicenseKey: null }))
    .catch(() => ({ tldrawLicenseKey: null }))
  return pending
}
