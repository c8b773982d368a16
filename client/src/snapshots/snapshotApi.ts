import type { CreatedBoard, OpenedSnapshot, SnapshotInfo } from '@opificio/shared'

/** An answer from the snapshot API: the value, or the HTTP status and the server's words (0 when no answer came). */
export type Answer<T> = { ok: true; value: T } | { ok: false; status: number; error: string }

const base = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}`

async function ask<T>(url: string, token: string, init: RequestInit = {}): Promise<Answer<T>> {
  try {
    const res = await fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
    })
    const body = (await res.json().catch(() => null)) as (T & { error?: string }) | null
    if (!res.ok || body === null) return { ok: false, status: res.status, error: body?.error ?? '' }
    return { ok: true, value: body }
  } catch {
    return { ok: false, status: 0, error: '' }
  }
}

export const listSnapshots = (boardId: string, token: string) => ask<SnapshotInfo[]>(`${base(boardId)}/snapshots`, token)

export const openSnapshot = (boardId: string, token: string, id: string) =>
  ask<OpenedSnapshot>(`${base(boardId)}/snapshots/${encodeURIComponent(id)}`, token)

export const takeSnapshot = (boardId: string, token: string, body: { title: string; note: string; author: string }) =>
  ask<SnapshotInfo>(`${base(boardId)}/snapshots`, token, { method: 'POST', body: JSON.stringify(body) })

export const restoreSnapshot = (boardId: string, token: string, id: string, author: string) =>
  ask<{ restored: SnapshotInfo; backup: SnapshotInfo; changed: boolean }>(`${base(boardId)}/snapshots/${encodeURIComponent(id)}/restore`, token, {
    method: 'POST',
    body: JSON.stringify({ author }),
  })

export const boardFromSnapshot = (boardId: string, token: string, id: string) =>
  ask<CreatedBoard>(`${base(boardId)}/snapshots/${encodeURIComponent(id)}/board`, token, { method: 'POST', body: JSON.stringify({}) })

/** A file the server makes (CSV, JSON, .tldr), with the name it gives it. */
export async function fetchExport(
  boardId: string,
  token: string,
  format: 'csv' | 'json' | 'tldr',
  snapshotId: string | null,
  lang: 'it' | 'en',
  signal?: AbortSignal
): Promise<Answer<{ blob: Blob; name: string }>> {
  const query = new URLSearchParams({ lang, ...(snapshotId ? { snapshot: snapshotId } : {}) })
  try {
    const res = await fetch(`${base(boardId)}/export.${format}?${query}`, { headers: { authorization: `Bearer ${token}` }, signal })
    if (!res.ok) return { ok: false, status: res.status, error: ((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? '' }
    return { ok: true, value: { blob: await res.blob(), name: fileNameOf(res.headers.get('content-disposition')) ?? `opificio.${format}` } }
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    return { ok: false, status: 0, error: '' }
  }
}

/** The exact name of a Content-Disposition's `filename*`, else its plain `filename`. */
export function fileNameOf(header: string | null): string | null {
  if (!header) return null
  const exact = /filename\*=UTF-8''([^;]+)/i.exec(header)
  if (exact) {
    try {
      return decodeURIComponent(exact[1])
    } catch {}
  }
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? null
}

/** A `.tldr` file as a new board; `token` is a facilitator's link token of any board on this server. */
export async function importBoard(file: Blob, token: string): Promise<Answer<CreatedBoard>> {
  try {
    const res = await fetch('/api/boards/import', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: file,
    })
    const body = (await res.json().catch(() => null)) as (CreatedBoard & { error?: string }) | null
    if (res.status !== 201 || body === null) return { ok: false, status: res.status, error: body?.error ?? '' }
    return { ok: true, value: body }
  } catch {
    return { ok: false, status: 0, error: '' }
  }
}
