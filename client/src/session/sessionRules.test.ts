import { describe, expect, it as test } from 'vitest'
import { presenceRole, sessionAccess } from './sessionRules.ts'

const open = { ended: false, highlight: null }
const ended = { ended: true, highlight: null }
const shared = { ended: false, highlight: 'sector:pubblico' }

describe('what the live session lets a role see and do', () => {
  test('only a facilitator gets the controls', () => {
    expect(sessionAccess('facilitator', open).controls).toBe(true)
    for (const role of ['participant', 'projector', null] as const) expect(sessionAccess(role, open).controls).toBe(false)
  })

  test('an ended session is read-only for everyone but the facilitator; participants are told', () => {
    expect(sessionAccess('facilitator', ended)).toMatchObject({ endedReadonly: false, endedBanner: false })
    expect(sessionAccess('participant', ended)).toMatchObject({ endedReadonly: true, endedBanner: true })
    expect(sessionAccess('projector', ended)).toMatchObject({ endedReadonly: true, endedBanner: false })
    expect(sessionAccess('participant', open)).toMatchObject({ endedReadonly: false, endedBanner: false })
  })

  test('a shared view locks the selector of everyone but the facilitator', () => {
    expect(sessionAccess('participant', shared).viewLocked).toBe(true)
    expect(sessionAccess('projector', shared).viewLocked).toBe(true)
    expect(sessionAccess('facilitator', shared).viewLocked).toBe(false)
    expect(sessionAccess('participant', open).viewLocked).toBe(false)
  })
})

describe('the role next to a name in the people menu', () => {
  test('is the one the server put in the presence, if known', () => {
    expect(presenceRole({ role: 'facilitator' })).toBe('facilitator')
    expect(presenceRole({ role: 'admin' })).toBeNull()
    expect(presenceRole({})).toBeNull()
    expect(presenceRole(undefined)).toBeNull()
  })
})
