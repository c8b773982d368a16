import { afterEach, describe, expect, it, vi } from 'vitest'
import { unlockAudioOnFirstGesture } from './chime.ts'

describe('the chime’s audio', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('wakes at the end of the first gesture, not in the pointer’s down it would hold back', () => {
    const page = new EventTarget()
    const resume = vi.fn(() => Promise.resolve())
    const made = vi.fn()
    class FakeAudioContext {
      state = 'suspended'
      resume = resume
      constructor() {
        made()
      }
    }
    vi.stubGlobal('window', Object.assign(page, { AudioContext: FakeAudioContext }))
    const stop = unlockAudioOnFirstGesture()

    page.dispatchEvent(new Event('pointerdown'))
    page.dispatchEvent(new Event('keydown'))
    expect(made).not.toHaveBeenCalled()
    page.dispatchEvent(new Event('click'))
    expect(made).toHaveBeenCalledOnce()
    expect(resume).toHaveBeenCalledOnce()
    stop()
  })
})
