/**
 * tldraw's group clean-up (GroupShapeUtil.onChildrenChange), done in the fold: a group never ends
 * with fewer than two children. With one left, that child takes the group's place in the group's
 * parent, keeping where it is on the page, and the group goes; with none, the group goes. The
 * editor does this only where the children were removed, so a removal racing an edit elsewhere
 * left peers to do it each on their own; in the fold it is logged and the same for everyone.
 */

export interface GroupBoard {
  /** A shape as it now stands in the fold, undefined when gone. */
  get(id: string): { id: string; type?: string; parentId?: string; index?: string } | undefined
  /** The shapes whose parent is `id` now, in a fixed order. */
  childrenOf(id: string): string[]
  /** Moves `child` into `group`'s parent at the group's place in the stacking order, keeping its page position. */
  liftOut(child: string, group: string): void
  remove(group: string): void
}

/** Cleans every group in `touched` and, as they go, the groups that held them. */
export function cleanUpGroups(board: GroupBoard, touched: Iterable<string>) {
  const queue = [...new Set(touched)].sort()
  while (queue.length > 0) {
    const id = queue.shift()!
    const group = board.get(id)
    if (!group || group.type !== 'group') continue
    const children = board.childrenOf(id)
    if (children.length >= 2) continue
    if (children.length === 1) board.liftOut(children[0], id)
    board.remove(id)
    if (group.parentId && !queue.includes(group.parentId)) queue.push(group.parentId)
  }
}
