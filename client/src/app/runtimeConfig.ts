export interface RuntimeConfig {
  /** Given by the server at run time: tldraw needs a license key in production over HTTPS. */
  tldrawLicenseKey: string | null
  /** Every node's URL when there is no load balancer in front of them; null to use this page's origin. */
  serverUrls: string[] | null
}

const FALLBACK: RuntimeConfig = { tldrawLicenseKey: null, serverUrls: null }

let pending: Promise<RuntimeConfig> | null = null

export function loadRuntimeConfig(): Promise<RuntimeConfig> {
  pending ??= fetch('/api/config')
    .then((r) => (r.ok ? (r.json() as Promise<RuntimeConfig>) : FALLBACK))
    .catch(() => FALLBACK)
  return pending
}
