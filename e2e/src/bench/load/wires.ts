import type { StormWire } from './dragStorm.ts'
import { opificioWire } from './opificioWire.ts'
import { tldrawWire } from './tldrawWire.ts'

/** The protocols the generator speaks, by name: a storm's threads each load their own. */
export const WIRES = { opificio: opificioWire, tldraw: tldrawWire } satisfies Record<string, StormWire>
export type WireName = keyof typeof WIRES
