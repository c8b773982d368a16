import { describe, expect, it } from 'vitest'
import { clientAddress } from './clientAddress.ts'
import { RateLimiter } from './rateLimiter.ts'

describe('RateLimiter', () => {
  it('allows a burst, then refills at its rate, per key', () => {
    let now = 0
    const limiter = new RateLimiter(2, 5, () => now)
    for (let i = 0; i < 5; i++) expect(limiter.take('a')).toBe(true)
    expect(limiter.take('a')).toBe(false)
    expect(limiter.take('b')).toBe(true)
    expect(limiter.retryAfter('a')).toBe(1)
    now = 500
    expect(limiter.take('a')).toBe(true)
    expect(limiter.take('a')).toBe(false)
    now = 60_000
    for (let i = 0; i < 5; i++) expect(limiter.take('a')).toBe(true)
    expect(limiter.take('a')).toBe(false)
  })

  it('takes nothing from a request it refuses', () => {
    let now = 0
    const limiter = new RateLimiter(1, 10, () => now)
    expect(limiter.take('a', 8)).toBe(true)
    expect(limiter.take('a', 5)).toBe(false)
    expect(limiter.take('a', 2)).toBe(true)
    now = 1
    expect(limiter.take('a', 1)).toBe(false)
  })
})

describe('clientAddress', () => {
  it('believes only a local proxy, and only its last hop', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9')
    expect(clientAddress('127.0.0.1', '10.1.2.3, 198.51.100.7')).toBe('198.51.100.7')
    expect(clientAddress('::ffff:127.0.0.1', 'garbage')).toBe('::ffff:127.0.0.1')
    expect(clientAddress('127.0.0.1', undefined)).toBe('127.0.0.1')
  })
})
