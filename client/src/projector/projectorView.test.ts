import { OPIFICIO_TEMPLATE } from '@opificio/shared'
import { describe, expect, it } from 'vitest'
import { chooseLeader, followCamera, joinText, minReadableZoom, NAME_PX, phaseInfo, READABLE_PX, type LeaderCandidate } from './projectorView.ts'

function presence(userId: string, role: string, at: number | null, extra: Partial<LeaderCandidate> = {}): LeaderCandidate {
  return {
    userId,
    lastActivityTimestamp: at,
    currentPageId: 'page:page',
    camera: { x: 0, y: 0, z: 1 },
    screenBounds: { x: 0, y: 0, w: 1600, h: 900 },
    meta: { role },
    ...extra,
  }
}

describe('chooseLeader', () => {
  it('follows nobody when no facilitator is there', () => {
    expect(chooseLeader([])).toBeNull()
    expect(chooseLeader([presence('user:a', 'participant', 10)])).toBeNull()
  })

  it('follows the facilitator, never a participant who moved later', () => {
    expect(chooseLeader([presence('user:p', 'participant', 99), presence('user:f', 'facilitator', 1)])?.userId).toBe('user:f')
  })

  it('of several facilitators, follows the one who moved most recently', () => {
    const leader = chooseLeader([presence('user:a', 'facilitator', 10), presence('user:b', 'facilitator', 30), presence('user:c', 'facilitator', 20)])
    expect(leader?.userId).toBe('user:b')
  })

  it('picks the same one of two equally recent facilitators whatever their order', () => {
    const a = presence('user:a', 'facilitator', 10)
    const b = presence('user:b', 'facilitator', 10)
    expect(chooseLeader([a, b])?.userId).toBe('user:a')
    expect(chooseLeader([b, a])?.userId).toBe('user:a')
  })

  it('passes over a facilitator whose viewport is not known yet', () => {
    const noCamera = presence('user:a', 'facilitator', 50, { camera: null })
    const noScreen = presence('user:b', 'facilitator', 40, { screenBounds: { x: 0, y: 0, w: 0, h: 0 } })
    expect(chooseLeader([noCamera, noScreen, presence('user:c', 'facilitator', 1)])?.userId).toBe('user:c')
  })

  it('reads a missing activity time as the oldest', () => {
    expect(chooseLeader([presence('user:a', 'facilitator', null), presence('user:b', 'facilitator', 5)])?.userId).toBe('user:b')
  })

  it('ignores a role a presence has no stamp for', () => {
    expect(chooseLeader([{ ...presence('user:a', 'facilitator', 5), meta: {} }])).toBeNull()
  })
})

describe('minReadableZoom', () => {
  it('makes 16 px names 24 px at 1920 pixels wide', () => {
    const z = minReadableZoom(1920, NAME_PX.medium)
    expect(NAME_PX.medium * z).toBeCloseTo(READABLE_PX)
    expect(z).toBeCloseTo(1.5)
  })

  it('asks for proportionally fewer pixels on a narrower projected image', () => {
    expect(minReadableZoom(1280, NAME_PX.medium)).toBeCloseTo(1)
  })

  it('short names need less zoom than long ones', () => {
    expect(minReadableZoom(1920, NAME_PX.short)).toBeLessThan(minReadableZoom(1920, NAME_PX.long))
  })
})

describe('followCamera', () => {
  const ours = { w: 1500, h: 800 }

  it('shows all the facilitator sees when that is readable, centred on their centre', () => {
    // They look at page x 0..800, y 0..450 at zoom 2.
    const cam = followCamera({ camera: { x: 0, y: 0, z: 2 }, screenBounds: { w: 1600, h: 900 } }, ours, 1.5)
    expect(cam.z).toBeCloseTo(Math.min(1500 / 800, 800 / 450))
    const centreX = -cam.x + ours.w / (2 * cam.z)
    const centreY = -cam.y + ours.h / (2 * cam.z)
    expect(centreX).toBeCloseTo(400)
    expect(centreY).toBeCloseTo(225)
  })

  it('zooms in to the readable minimum around the same centre when they look at a wide area', () => {
    // They see page x -1000..2200, y 500..2300 (zoom 0.5).
    const cam = followCamera({ camera: { x: 1000, y: -500, z: 0.5 }, screenBounds: { w: 1600, h: 900 } }, ours, 1.5)
    expect(cam.z).toBe(1.5)
    expect(-cam.x + ours.w / (2 * cam.z)).toBeCloseTo(600)
    expect(-cam.y + ours.h / (2 * cam.z)).toBeCloseTo(1400)
  })
})

describe('phaseInfo', () => {
  it('is nothing before the first phase', () => {
    expect(phaseInfo(OPIFICIO_TEMPLATE, null, 'it')).toBeNull()
  })

  it("gives the phase's label and key question in the page's language", () => {
    const it2 = phaseInfo(OPIFICIO_TEMPLATE, 2, 'it')
    expect(it2).toEqual({
      number: 2,
      label: 'Mappatura e co-progettazione operativa',
      question: 'Come deve funzionare concretamente la nostra fabbrica sociale per integrare i servizi del chilometro quadrato?',
    })
    expect(phaseInfo(OPIFICIO_TEMPLATE, 2, 'en')?.label).toBe('Mapping and operational co-design')
  })

  it('falls back to Italian where the template has no English', () => {
    const template = { phases: [{ id: 'x', number: 1, label: { it: 'Avvio' }, objective: { it: 'o' }, question: { it: 'Chi manca?' } }] }
    expect(phaseInfo(template, 1, 'en')).toEqual({ number: 1, label: 'Avvio', question: 'Chi manca?' })
  })

  it('still tells the number of a phase the template does not describe', () => {
    expect(phaseInfo({ phases: [] }, 4, 'it')).toEqual({ number: 4, label: '', question: '' })
  })
})

describe('joinText', () => {
  const link = 'https://opificio.example.it/b/AbCdEfGhIjKlMnOpQrStUv#0123456789abcdefghijkl'

  it('writes the whole link, token included, when it fits', () => {
    expect(joinText(link, 120)).toEqual({ kind: 'full', text: 'opificio.example.it/b/AbCdEfGhIjKlMnOpQrStUv#0123456789abcdefghijkl' })
  })

  it('keeps http:// which a browser would not add by itself', () => {
    expect(joinText('http://10.0.0.5:3000/b/x#y', 120).text).toBe('http://10.0.0.5:3000/b/x#y')
  })

  it('otherwise names only the site: an address without its token would open nothing', () => {
    expect(joinText(link, 40)).toEqual({ kind: 'scan', text: 'opificio.example.it' })
  })
})
