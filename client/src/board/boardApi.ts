import type { BoardView, Role } from '@opificio/shared'

type Fetch = (input: string, init?: RequestInit) => Promise<Response>

/** An answer from the board API: the body, or why not (the HTTP status, 0 when no answer came). */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; status: number }

function bearer(token: string): HeadersInit {
  return { authorization: `Bearer ${token}` }
}

async function call<T>(doFetch: Fetch, url: string, init: RequestInit, read: (body: unknown) => T | null): Promise<ApiResult<T>> {
  try {
    const res = await doFetch(url, init)
    if (!res.ok) return { ok: false, status: res.status }
    const value = read(await res.json().catch(() => null))
    // A 2xx whose body is not what was asked for: as if no answer came.
    return value === null ? { ok: false, status: 0 } : { ok: true, value }
  } catch {
    return { ok: false, status: 0 }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** The board as the link's holder sees it (its role, and the links it may pass on). */
export function fetchBoardView(boardId: string, token: string, doFetch: Fetch = fetch): Promise<ApiResult<BoardView>> {
  return call(doFetch, `/api/boards/${encodeURIComponent(boardId)}`, { headers: bearer(token) }, (body) =>
    isObject(body) && typeof body.role === 'string' && isObject(body.links) ? (body as unknown as BoardView) : null
  )
}

/**
 * Replaces a role's link (facilitator only): the old token stops working at once and the people
 * connected with it are disconnected. The new link comes back.
 */
export function rotateLink(boardId: string, role: Role, token: string, doFetch: Fetch = fetch): Promise<ApiResult<string>> {
  const url = `/api/boards/${encodeURIComponent(boardId)}/links/${role}/rotate`
  return call(doFetch, url, { method: 'POST', headers: bearer(token) }, (body) =>
    isObject(body) && typeof body.link === 'string' ? body.link : null
  )
}

interface Place {
  readonly href: string
  assign(url: string): void
  reload(): void
}

/**
 * Opens another link to this board. Going from one fragment to another is no navigation for a
 * browser, so the page reloads itself to connect with the new token.
 */
export function openLink(link: string, place: Place = window.location) {
  const here = new URL(place.href)
  const there = new URL(link, here)
  place.assign(there.href)
  if (there.origin === here.origin && there.pathname === here.pathname && there.search === here.search) place.reload()
}
