import { PRESENCE_ID_PREFIX } from '@opificio/shared'
import { presenceRecord } from '@opificio/shared/testing'
import type { UnknownRecord } from '@tldraw/store'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RoomPresence, STILL_PRESENCE_MS, WHOLE_PRESENCE_EVERY_MS } from './presence.ts'
import { newSession } from './session.ts'

const socket = { id: 'socket', emit: () => true, volatile: { emit: () => true }, disconnect: () => undefined }

function room() {
  const presence = new RoomPresence('board', () => undefined, undefined, 15_000)
  const anna = newSession(socket, { writerId: 'anna', voterKey: 'anna' }, 'participant')
  const at = (x: number, extra: Partial<Record<string, unknown>> = {}) =>
    ({ ...presenceRecord('anna', { x, y: 0 }), id: anna.presenceId, ...extra }) as UnknownRecord
  return { presence, anna, at }
}

describe('RoomPresence.drain', () => {
  it('sends a record whole the first time, then a moving cursor as a move, and other changes as what changed', () => {
    const { presence, anna, at } = room()
    const suffix = anna.presenceId.slice(PRESENCE_ID_PREFIX.length)
    presence.set(anna, at(1))
    expect(presence.drain(1000)).toEqual({ put: [at(1)], remove: [] })
    presence.set(anna, at(2, { lastActivityTimestamp: 77 }))
    expect(presence.drain(1050)).toEqual({ put: [], remove: [], moved: [suffix, 2, 0, 77] })
    presence.set(anna, at(2, { lastActivityTimestamp: 77, userName: 'Anna B.' }))
    expect(presence.drain(1100)?.changed).toEqual([{ id: anna.presenceId, patch: { set: { userName: 'Anna B.' } } }])
    // A move with anything else, or a cursor that changes more than its place, is a patch.
    presence.set(anna, at(3, { lastActivityTimestamp: 78, userName: 'Anna' }))
    expect(presence.drain(1150)).toMatchObject({ changed: [{ patch: { set: { userName: 'Anna', lastActivityTimestamp: 78 } } }] })
    presence.set(anna, {
      ...at(4, { lastActivityTimestamp: 78, userName: 'Anna' }),
      cursor: { x: 4, y: 0, type: 'grab', rotation: 0 },
    } as UnknownRecord)
    const update = presence.drain(1200)
    expect(update?.moved).toBeUndefined()
    expect(update?.changed).toHaveLength(1)
  })

  it('applies a client’s own move to the record it last sent whole, and ignores a move with no record to go with', () => {
    const { presence, anna, at } = room()
    const suffix = anna.presenceId.slice(PRESENCE_ID_PREFIX.length)
    presence.move(anna, [5, 6, 7])
    expect(presence.drain(1000)).toBeNull()
    presence.set(anna, at(1, { userName: 'Anna' }))
    presence.drain(1000)
    presence.move(anna, [5, 6, 7])
    expect(presence.drain(1050)).toEqual({ put: [], remove: [], moved: [suffix, 5, 6, 7] })
    // The record as moved is what everyone gets whole, and what a welcome lists.
    const moved = { ...at(5, { userName: 'Anna', lastActivityTimestamp: 7 }), cursor: { x: 5, y: 6, type: 'default', rotation: 0 } }
    expect(presence.all()).toEqual([moved])
    expect(presence.drain(1000 + WHOLE_PRESENCE_EVERY_MS + STILL_PRESENCE_MS)).toEqual({ put: [moved], remove: [] })
  })

  it('says nothing when a record comes back unchanged', () => {
    const { presence, anna, at } = room()
    presence.set(anna, at(1))
    presence.drain(1000)
    presence.set(anna, at(1))
    expect(presence.drain(1050)).toBeNull()
  })

  it('sends the record whole again every few seconds, for a client that missed a patch', () => {
    const { presence, anna, at } = room()
    presence.set(anna, at(1))
    presence.drain(1000)
    presence.set(anna, at(2))
    expect(presence.drain(1000 + WHOLE_PRESENCE_EVERY_MS - 1)?.put).toEqual([])
    presence.set(anna, at(3))
    expect(presence.drain(1000 + WHOLE_PRESENCE_EVERY_MS)).toEqual({ put: [at(3)], remove: [] })
  })

  it('sends the record whole to whoever comes back after leaving', () => {
    const { presence, anna, at } = room()
    presence.set(anna, at(1))
    presence.drain(1000)
    presence.leave(anna)
    expect(presence.drain(1010)).toEqual({ put: [], remove: [anna.presenceId] })
    presence.set(anna, at(2))
    expect(presence.drain(1020)).toEqual({ put: [at(2)], remove: [] })
  })
})

describe('RoomPresence whole sends', () => {
  it('spreads people who arrived together over time, so they are not all sent whole in one frame', () => {
    const presence = new RoomPresence('board', () => undefined, undefined, 15_000)
    const people = Array.from({ length: 20 }, (_, i) =>
      newSession({ ...socket, id: `s${i}` }, { writerId: `w${i}`, voterKey: `v${i}` }, 'participant')
    )
    const record = (p: (typeof people)[number], x: number) => ({ ...presenceRecord('x', { x, y: 0 }), id: p.presenceId }) as UnknownRecord
    for (const p of people) presence.set(p, record(p, 0))
    expect(presence.drain(0)?.put).toHaveLength(20)
    const wholeAt: number[] = []
    for (let t = 50; t <= 2 * WHOLE_PRESENCE_EVERY_MS; t += 50) {
      for (const p of people) presence.set(p, record(p, t))
      wholeAt.push(presence.drain(t)?.put.length ?? 0)
    }
    // Each is sent whole again within the period, never all at once.
    expect(Math.max(...wholeAt)).toBeLessThanOrEqual(5)
    expect(wholeAt.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(20)
  })
})

describe('RoomPresence after a patch', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('sends a record whole once it stops changing, and asks for the flush that carries it', () => {
    vi.useFakeTimers()
    const flushes: number[] = []
    const presence = new RoomPresence('board', () => flushes.push(Date.now()), undefined, 15_000)
    const anna = newSession(socket, { writerId: 'anna', voterKey: 'anna' }, 'participant')
    const at = (x: number) => ({ ...presenceRecord('anna', { x, y: 0 }), id: anna.presenceId }) as UnknownRecord
    presence.set(anna, at(1))
    presence.drain(1000)
    presence.set(anna, at(2))
    expect(presence.drain(1100)?.moved).toHaveLength(4)
    // Nothing changes any more: a client that missed the patch would keep a stale cursor.
    expect(presence.drain(1000 + WHOLE_PRESENCE_EVERY_MS - 1)).toBeNull()
    const asked = flushes.length
    vi.advanceTimersByTime(STILL_PRESENCE_MS)
    expect(flushes.length).toBe(asked + 1)
    expect(presence.drain(1000 + WHOLE_PRESENCE_EVERY_MS)).toEqual({ put: [at(2)], remove: [] })
    expect(presence.drain(1000 + 3 * WHOLE_PRESENCE_EVERY_MS)).toBeNull()
  })
})

describe('RoomPresence, someone still moving', () => {
  it('is not sent whole between changes: only with a change, once its period is up', () => {
    const { presence, anna, at } = room()
    presence.set(anna, at(1))
    presence.drain(0)
    for (let t = 50; t < WHOLE_PRESENCE_EVERY_MS + 400; t += 50) {
      // Moving at 20 Hz, flushed at 100 Hz: most flushes carry nothing of hers.
      presence.set(anna, at(t))
      const update = presence.drain(t)
      for (const tick of [t + 10, t + 20, t + 30, t + 40]) expect(presence.drain(tick)).toBeNull()
      if (t < WHOLE_PRESENCE_EVERY_MS) expect(update?.put).toEqual([])
      else if (t === WHOLE_PRESENCE_EVERY_MS) expect(update?.put).toEqual([at(t)])
    }
  })
})
