import { describe, expect, it } from 'vitest'
import { MARGIN, sheetHeight, shiftInto } from './sheetRoom.ts'

describe('the phone’s inspector sheet and the selection above it', () => {
  it('gives the sheet what the selection leaves, between a floor and half the screen', () => {
    // The canvas's top bar ends at 130, the sheet's foot is at 600, a card 120 tall.
    expect(sheetHeight({ top: 130, foot: 600, selection: 120, screen: 700 })).toBe(600 - 130 - 120 - 3 * MARGIN)
    // 390×844: never more than half the screen.
    expect(sheetHeight({ top: 130, foot: 758, selection: 120, screen: 844 })).toBe(422)
    // 360×640 with a card grown tall: the sheet keeps its floor, the card its top in sight.
    expect(sheetHeight({ top: 150, foot: 552, selection: 300, screen: 640 })).toBe(180)
  })

  it('moves the selection by as little as brings it into the room, or not at all', () => {
    const room = { x: 12, y: 142, w: 366, h: 250 }
    expect(shiftInto({ x: 85, y: 200, w: 220, h: 120 }, room)).toEqual({ dx: 0, dy: 0 })
    // Below the room (under the sheet): up until its foot meets the room's.
    expect(shiftInto({ x: 85, y: 365, w: 220, h: 120 }, room)).toEqual({ dx: 0, dy: 142 + 250 - 485 })
    // Above it and off the left edge.
    expect(shiftInto({ x: -40, y: 20, w: 220, h: 120 }, room)).toEqual({ dx: 52, dy: 122 })
    // Taller than the room: its top in sight.
    expect(shiftInto({ x: 85, y: 500, w: 220, h: 400 }, room)).toEqual({ dx: 0, dy: 142 - 500 })
  })
})
