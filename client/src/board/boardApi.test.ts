import type { BoardView } from '@opificio/shared'
import { describe, expect, it as test } from 'vitest'
import { fetchBoardView, openLink, rotateLink } from './boardApi.ts'

const TOKEN = 'tok_0123456789abcdef'

/** A fetch that records what it was asked and answers `status` with `body`. */
function fakeFetch(status: number, body: unknown) {
  const calls: { url: string; init?: RequestInit }[] = []
  const doFetch = async (url: string, init?: RequestInit) => {
    calls.push({ url, init })
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status })
  }
  return { calls, doFetch }
}

const view: BoardView = {
  id: 'b1',
  title: 'Tavolo',
  createdAt: '2025-01-01T00:00:00.000Z',
  role: 'participant',
  links: { participant: 'https://opificio.example/b/b1#p' },
}

describe('the board API', () => {
  test('asks for the board view with the link token as Bearer', async () => {
    const { calls, doFetch } = fakeFetch(200, view)
    expect(await fetchBoardView('b1', TOKEN, doFetch)).toEqual({ ok: true, value: view })
    expect(calls).toHaveLength(1)
    expect(calls[0].url).toBe('/api/boards/b1')
    expect(new Headers(calls[0].init?.headers).get('authorization')).toBe(`Bearer ${TOKEN}`)
    expect(calls[0].init?.method ?? 'GET').toBe('GET')
  })

  test('says the status when the server refuses, 0 when no answer or no view came', async () => {
    expect(await fetchBoardView('b1', TOKEN, fakeFetch(404, { error: 'board not found' }).doFetch)).toEqual({ ok: false, status: 404 })
    expect(await fetchBoardView('b1', TOKEN, fakeFetch(200, 'not json').doFetch)).toEqual({ ok: false, status: 0 })
    expect(await fetchBoardView('b1', TOKEN, fakeFetch(200, { id: 'b1' }).doFetch)).toEqual({ ok: false, status: 0 })
    const offline = async () => {
      throw new TypeError('Failed to fetch')
    }
    expect(await fetchBoardView('b1', TOKEN, offline)).toEqual({ ok: false, status: 0 })
  })

  test('rotates a role’s link with a POST under the facilitator’s token, and gives the new link', async () => {
    const { calls, doFetch } = fakeFetch(200, { role: 'projector', link: 'https://opificio.example/b/b1#new' })
    expect(await rotateLink('b1', 'projector', TOKEN, doFetch)).toEqual({ ok: true, value: 'https://opificio.example/b/b1#new' })
    expect(calls[0].url).toBe('/api/boards/b1/links/projector/rotate')
    expect(calls[0].init?.method).toBe('POST')
    expect(new Headers(calls[0].init?.headers).get('authorization')).toBe(`Bearer ${TOKEN}`)
    expect(await rotateLink('b1', 'projector', TOKEN, fakeFetch(403, { error: 'only a facilitator' }).doFetch)).toEqual({ ok: false, status: 403 })
  })
})

describe('opening another link to the board', () => {
  function place(href: string) {
    const log: string[] = []
    return {
      log,
      place: { href, assign: (url: string) => log.push(`assign ${url}`), reload: () => log.push('reload') },
    }
  }

  test('reloads when only the fragment changes, since a browser would not', () => {
    const { log, place: p } = place('https://opificio.example/b/b1#old')
    openLink('https://opificio.example/b/b1#new', p)
    expect(log).toEqual(['assign https://opificio.example/b/b1#new', 'reload'])
  })

  test('just navigates to another address', () => {
    const { log, place: p } = place('http://localhost:3000/b/b1#old')
    openLink('https://opificio.example/b/b1#new', p)
    expect(log).toEqual(['assign https://opificio.example/b/b1#new'])
  })
})
