import type { RecordProps, TLShape } from '@tldraw/tlschema'
import { T } from '@tldraw/validate'

/**
 * Shapes whose content is computed from the board, never typed: the balance of the negotiation
 * table (actors per sector inside its frame) and the pact's "chi fa cosa" table (commitments).
 */
export const BALANCE_SHAPE = 'balance'
export const PACT_SHAPE = 'pact'

export interface BoxProps {
  w: number
  h: number
}

declare module '@tldraw/tlschema' {
  interface TLGlobalShapePropsMap {
    [BALANCE_SHAPE]: BoxProps
    [PACT_SHAPE]: BoxProps
  }
}

export type BalanceShape = TLShape<typeof BALANCE_SHAPE>
export type PactShape = TLShape<typeof PACT_SHAPE>

export const boxShapeProps: RecordProps<BalanceShape> = { w: T.nonZeroNumber, h: T.nonZeroNumber }
