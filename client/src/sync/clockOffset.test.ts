import { describe, expect, test } from 'vitest'
import { clockOffset } from './clockOffset.ts'

describe("the server clock's offset", () => {
  test('counts half the network round trip as the welcome’s way back, not the time the server held the hello', () => {
    // Server 5 s ahead; 100 ms each way; the board took 800 ms to load.
    const sent = 1_000_000
    const serverReceived = sent + 100 + 5000
    const welcome = { serverTime: serverReceived + 800, heldMs: 800 }
    const received = sent + 100 + 800 + 100
    expect(clockOffset(welcome, received, sent)).toBe(5000)
  })

  test('without a hello to time, takes the welcome as just sent', () => {
    expect(clockOffset({ serverTime: 2000, heldMs: 0 }, 1500, null)).toBe(500)
  })

  test('never counts a negative network time when the clocks of the two ends disagree about the hold', () => {
    expect(clockOffset({ serverTime: 10_000, heldMs: 900 }, 1500, 1000)).toBe(8500)
  })
})
