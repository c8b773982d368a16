import type { UnknownRecord } from '@tldraw/store'
import type { Page } from 'playwright-core'

/** What a person does to the board, each through the tldraw editor of the page, as one user action. */
export type OpKind = 'geo' | 'frame' | 'arrow' | 'move' | 'resize' | 'color' | 'delete' | 'group' | 'ungroup' | 'reparent' | 'undo' | 'redo'

export interface EditorOp {
  kind: OpKind
  /** The id a shape this op creates takes (`shape:…`). */
  id: string
  /** Random numbers in [0, 1) from the test's seeded generator: which shapes, where, how big. */
  r: number[]
}

/** A record this op put on the board (or brought back, by undo/redo). */
export interface Added {
  id: string
  typeName: string
  type?: string
  fromId?: string
  toId?: string
}

export interface OpResult {
  /** What was done, to read in a failure's op log; `noop` when there was nothing to do it to. */
  did: string
  added: Added[]
  removed: string[]
  /** An exception the editor threw: the op changed nothing. */
  error?: string
}

/**
 * Runs one op in the page's editor. A history stopping point comes before every op but undo and
 * redo, as the editor's own tools make one per gesture, so undo takes back exactly one op. The
 * changes are read with `extractingChanges`, which only watches: they stay user changes that the
 * page's SyncClient pushes.
 */
export function runEditorOp(page: Page, op: EditorOp): Promise<OpResult> {
  return page.evaluate((op: EditorOp): OpResult => {
    // Untyped on purpose: the page's editor is not this process's tldraw.
    const editor = (window as any).opificioEditor
    let next = 0
    const rand = (): number => op.r[next++ % op.r.length]
    const pick = <T>(items: T[]): T | undefined => (items.length ? items[Math.floor(rand() * items.length)] : undefined)
    const colors = ['black', 'red', 'blue', 'green', 'orange', 'violet']
    // Sorted by id, so that the same random numbers pick the same shapes on the same board.
    const shapes: any[] = [...editor.getCurrentPageShapes()].sort((a: any, b: any) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    const ofType = (...types: string[]) => shapes.filter((s) => types.includes(s.type))
    const pageId = editor.getCurrentPageId()
    let did = op.kind as string
    const ops: Record<OpKind, () => boolean> = {
      geo: () => {
        // Now and then inside a frame, as when drawn on one.
        const frame = rand() < 0.3 ? pick(ofType('frame')) : undefined
        const [w, h] = [60 + rand() * 140, 50 + rand() * 100]
        editor.createShapes([
          {
            id: op.id,
            type: 'geo',
            parentId: frame?.id ?? pageId,
            x: frame ? rand() * frame.props.w * 0.7 : 40 + rand() * 1000,
            y: frame ? rand() * frame.props.h * 0.7 : 40 + rand() * 650,
            props: { w, h, color: pick(colors) },
          },
        ])
        did = `geo ${op.id}${frame ? ` in ${frame.id}` : ''}`
        return true
      },
      frame: () => {
        editor.createShapes([
          {
            id: op.id,
            type: 'frame',
            x: 40 + rand() * 900,
            y: 40 + rand() * 600,
            props: { w: 280 + rand() * 250, h: 200 + rand() * 200, name: 'Tavolo' },
          },
        ])
        did = `frame ${op.id}`
        return true
      },
      arrow: () => {
        const boxes = ofType('geo')
        const from = pick(boxes)
        const to = pick(boxes.filter((b) => b !== from))
        if (!from || !to) return false
        const [a, b] = [editor.getShapePageBounds(from).center, editor.getShapePageBounds(to).center]
        editor.createShapes([{ id: op.id, type: 'arrow', x: a.x, y: a.y, props: { start: { x: 0, y: 0 }, end: { x: b.x - a.x, y: b.y - a.y } } }])
        // What the arrow tool does when a drag starts on one shape and ends on another.
        editor.createBindings(
          (['start', 'end'] as const).map((terminal) => ({
            type: 'arrow',
            fromId: op.id,
            toId: terminal === 'start' ? from.id : to.id,
            props: { terminal, normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false },
          }))
        )
        did = `arrow ${op.id} ${from.id} -> ${to.id}`
        return true
      },
      move: () => {
        const s = pick(shapes)
        if (!s) return false
        editor.updateShapes([{ id: s.id, type: s.type, x: s.x + (rand() - 0.5) * 300, y: s.y + (rand() - 0.5) * 300 }])
        did = `move ${s.id}`
        return true
      },
      resize: () => {
        const s = pick(ofType('geo', 'frame', 'group'))
        if (!s) return false
        const scale = { x: 0.7 + rand() * 0.6, y: 0.7 + rand() * 0.6 }
        editor.resizeShape(s.id, scale)
        did = `resize ${s.id} ×${scale.x.toFixed(2)},${scale.y.toFixed(2)}`
        return true
      },
      color: () => {
        const s = pick(shapes.filter((x) => 'color' in x.props))
        if (!s) return false
        const color = pick(colors)
        editor.updateShapes([{ id: s.id, type: s.type, props: { color } }])
        did = `color ${s.id} ${color}`
        return true
      },
      delete: () => {
        const s = pick(shapes)
        if (!s) return false
        editor.deleteShapes([s.id])
        did = `delete ${s.id}`
        return true
      },
      group: () => {
        // Two or three shapes under one parent, as a selection the group action takes.
        const parents = [...new Set(shapes.map((s) => s.parentId))].filter((p) => shapes.filter((s) => s.parentId === p).length >= 2)
        const parent = pick(parents)
        if (!parent) return false
        const siblings = shapes.filter((s) => s.parentId === parent)
        const first = pick(siblings)
        const second = pick(siblings.filter((s) => s !== first))
        const third = rand() < 0.4 ? pick(siblings.filter((s) => s !== first && s !== second)) : undefined
        const members = [first, second, third].filter(Boolean).map((s) => s.id)
        editor.groupShapes(members, { groupId: op.id, select: false })
        did = `group ${op.id} [${members.join(', ')}]`
        return true
      },
      ungroup: () => {
        const g = pick(ofType('group'))
        if (!g) return false
        editor.ungroupShapes([g.id], { select: false })
        did = `ungroup ${g.id}`
        return true
      },
      reparent: () => {
        const s = pick(shapes)
        if (!s) return false
        // Into a frame (never into itself or its own contents), or out onto the page.
        const frames = ofType('frame').filter((f) => f.id !== s.id && !editor.hasAncestor(f, s.id))
        const target = rand() < 0.6 ? (pick(frames)?.id ?? pageId) : pageId
        if (target === s.parentId) return false
        editor.reparentShapes([s.id], target)
        did = `reparent ${s.id} -> ${target}`
        return true
      },
      undo: () => (editor.undo(), true),
      redo: () => (editor.redo(), true),
    }
    try {
      if (op.kind !== 'undo' && op.kind !== 'redo') editor.markHistoryStoppingPoint(op.kind)
      let done = false
      const diff = editor.store.extractingChanges(() => {
        done = ops[op.kind]()
      })
      if (!done) did = `noop ${op.kind}`
      const docTypes = ['shape', 'binding']
      const added = Object.values(diff.added)
        .filter((r: any) => docTypes.includes(r.typeName))
        .map((r: any) => ({ id: r.id, typeName: r.typeName, type: r.type, fromId: r.fromId, toId: r.toId }))
      const removed = Object.values(diff.removed)
        .filter((r: any) => docTypes.includes(r.typeName))
        .map((r: any) => r.id)
      return { did, added, removed }
    } catch (e) {
      return { did: `failed ${op.kind}`, added: [], removed: [], error: String((e as Error)?.stack ?? e) }
    }
  }, op)
}

/** The page's document records, of the given types (the board's document, without the per-tab state). */
export function pageDocument(page: Page, typeNames: readonly string[]): Promise<UnknownRecord[]> {
  return page.evaluate(
    (names: string[]) => (window as any).opificioEditor.store.allRecords().filter((r: UnknownRecord) => names.includes(r.typeName)),
    [...typeNames]
  )
}

/** How many boards' unconfirmed edits the page's origin keeps in IndexedDB: none once the server has confirmed them all. */
export function keptUnconfirmed(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('opificio')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const count = open.result.transaction('unconfirmed-edits').objectStore('unconfirmed-edits').count()
          count.onsuccess = () => (open.result.close(), resolve(count.result))
          count.onerror = () => reject(count.error)
        }
      })
  )
}
