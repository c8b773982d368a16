/** A box on the screen, in CSS pixels. */
export type ScreenBox = { x: number; y: number; w: number; h: number }

/** Space kept between what is edited and whatever lies around it. */
export const MARGIN = 12
/** The least a phone's inspector sheet shows: a field or two and the start of the next. */
const LEAST_SHEET = 180

/**
 * How tall the phone's inspector sheet may grow: what is left between the top bar of the canvas
 * and the sheet's foot once the selection has its own height above it, within a half screen.
 */
export function sheetHeight({ top, foot, selection, screen }: { top: number; foot: number; selection: number; screen: number }): number {
  const left = foot - top - selection - 3 * MARGIN
  return Math.round(Math.min(Math.max(left, LEAST_SHEET), screen / 2))
}

/** The shift along one axis that brings [start, start + size] into the room: none if it is in; its start first if it cannot fit. */
function shiftAlong(start: number, size: number, roomStart: number, roomSize: number): number {
  if (size > roomSize || start < roomStart) return roomStart - start
  const over = start + size - (roomStart + roomSize)
  return over > 0 ? -over : 0
}

/** The smallest move (CSS pixels) that brings the box into the room. */
export function shiftInto(box: ScreenBox, room: ScreenBox): { dx: number; dy: number } {
  return { dx: shiftAlong(box.x, box.w, room.x, room.w), dy: shiftAlong(box.y, box.h, room.y, room.h) }
}
