import { vi } from 'vitest'

/**
 * Fake timers that also run queued microtasks as a test advances time: a throttle with credit
 * sends in a microtask (throttle.ts), and a test driving time by hand must see it go.
 */
export function useFakeTimers() {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date', 'queueMicrotask'],
  })
}
