import { describe, expect, it } from 'vitest'
import { InboundLimits } from './inboundLimits.ts'

const rate = (perSecond: number, burst: number) => ({ perSecond, burst })

describe('InboundLimits', () => {
  it('caps open connections per address, and frees a place when one closes', () => {
    const limits = new InboundLimits({ connectionsPerAddress: 2 })
    const a = limits.connect('198.51.100.1')!
    expect(limits.connect('198.51.100.1')).not.toBeNull()
    expect(limits.connect('198.51.100.1')).toBeNull()
    expect(limits.connect('198.51.100.2')).not.toBeNull()
    a.close()
    a.close()
    expect(limits.connect('198.51.100.1')).not.toBeNull()
    expect(limits.connect('198.51.100.1')).toBeNull()
  })

  it('limits pushes by count, records and bytes per connection, and by count per address', () => {
    const limits = new InboundLimits({
      pushesPerConnection: rate(1, 3),
      pushRecordsPerConnection: rate(1, 100),
      pushBytesPerConnection: rate(1, 1000),
      pushesPerAddress: rate(1, 4),
    })
    const one = limits.connect('198.51.100.1')!
    const two = limits.connect('198.51.100.1')!
    expect([one.push(1, 10), one.push(1, 10), one.push(1, 10), one.push(1, 10)]).toEqual([true, true, true, false])
    expect(two.push(1, 10)).toBe(true)
    expect(two.push(1, 10)).toBe(false)
    const other = limits.connect('198.51.100.2')!
    expect(other.push(101, 10)).toBe(true)
    expect(other.push(1, 10)).toBe(false)
    const big = limits.connect('198.51.100.3')!
    expect(big.push(1, 5000)).toBe(true)
    expect(big.push(1, 1)).toBe(false)
  })

  it('limits presence per connection and per address, hellos per connection and per address', () => {
    const limits = new InboundLimits({
      presencePerConnection: rate(1, 2),
      presencePerAddress: rate(1, 3),
      hellosPerConnection: rate(1, 1),
      hellosPerAddress: rate(1, 2),
    })
    const one = limits.connect('198.51.100.1')!
    const two = limits.connect('198.51.100.1')!
    expect([one.presence(), one.presence(), one.presence()]).toEqual([true, true, false])
    expect([two.presence(), two.presence()]).toEqual([true, false])
    expect([one.hello(), one.hello(), two.hello(), two.hello()]).toEqual([true, false, true, false])
    expect(limits.connect('198.51.100.1')!.hello()).toBe(false)
  })

  it('takes a connection for abusive after its strikes run out', () => {
    const c = new InboundLimits({ strikes: rate(1, 3) }).connect('198.51.100.1')!
    expect([c.strike(), c.strike(), c.strike(), c.strike()]).toEqual([true, true, true, false])
  })
})
