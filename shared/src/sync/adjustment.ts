/**
 * What the fold did to a push beyond applying it, record by record, so its author can be told.
 * A conflict with what others did meanwhile costs only the records it touches:
 * - reparented: the shape's group or frame was gone; it stays where it was on the page, under
 *   the nearest ancestor left (parent-removed), or its group was left with it alone (group-emptied);
 * - unbound: the shape an arrow end was bound to was gone; the end stays there, free (target-removed);
 * - dropped: the change could not apply and is left out: its record was deleted (record-removed),
 *   its parent and every ancestor too (parent-removed), it would make a shape its own ancestor
 *   (cycle), or a binding's shape was gone (target-removed);
 * - removed: a group left with fewer than two children (group-emptied).
 */
export type AdjustmentWhat = 'reparented' | 'unbound' | 'dropped' | 'removed'
export type AdjustmentReason = 'parent-removed' | 'group-emptied' | 'target-removed' | 'record-removed' | 'cycle'

export interface Adjustment {
  id: string
  what: AdjustmentWhat
  reason: AdjustmentReason
}
