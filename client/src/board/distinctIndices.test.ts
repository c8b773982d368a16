// @vitest-environment happy-dom
import { createShapeId, type Editor, type TLShape, type TLShapeId } from 'tldraw'
import { afterEach, describe, expect, it } from 'vitest'
import { headlessEditor } from '../testing/headlessEditor.ts'
import { keepSiblingIndicesDistinct } from './distinctIndices.ts'

const editors: Editor[] = []
afterEach(() => {
  for (const e of editors.splice(0)) e.dispose()
})

/** An editor on a board with p, s and q side by side at a1, a2, a3, its indices kept distinct. */
function boardWithThree() {
  const { editor, store } = headlessEditor()
  editors.push(editor)
  keepSiblingIndicesDistinct(editor)
  const [p, s, q] = ['p', 's', 'q'].map((n) => createShapeId(n))
  editor.createShapes([
    { id: p, type: 'geo', x: 0, y: 0, index: 'a1' as never },
    { id: s, type: 'geo', x: 100, y: 0, index: 'a2' as never },
    { id: q, type: 'geo', x: 200, y: 0, index: 'a3' as never },
  ])
  /** Someone else's shape, as the sync client applies it. */
  const remote = (id: TLShapeId, index: string) =>
    store.mergeRemoteChanges(() => store.put([{ ...(editor.getShape(p) as TLShape), id, index } as never]))
  const order = () => editor.getSortedChildIdsForParent(editor.getCurrentPageId()).map((id) => `${id.slice(6)}@${editor.getShape(id)!.index}`)
  return { editor, p, s, q, remote, order }
}

describe('keepSiblingIndicesDistinct', () => {
  it('puts a shape an undo brings back just above the shape someone else placed at its index since, and tldraw can reorder them', () => {
    const { editor, p, s, q, remote, order } = boardWithThree()
    editor.markHistoryStoppingPoint('to the front')
    editor.updateShapes([{ id: s, type: 'geo', index: 'a4' as never }])
    const t = createShapeId('t')
    remote(t, 'a2')
    editor.undo()

    const indices = editor.getCurrentPageShapes().map((shape) => shape.index)
    expect(new Set(indices).size).toBe(indices.length)
    expect(order().map((o) => o.split('@')[0])).toEqual(['p', 't', 's', 'q'])
    expect(editor.getShape(s)!.index > 'a2' && editor.getShape(s)!.index < 'a3').toBe(true)
    expect(() => {
      editor.sendBackward([q])
      editor.groupShapes([s, t])
      editor.ungroupShapes(
        editor
          .getCurrentPageShapes()
          .filter((x) => x.type === 'group')
          .map((x) => x.id)
      )
      editor.reparentShapes([p], editor.getCurrentPageId(), editor.getShape(t)!.index)
    }).not.toThrow()
  })

  it("separates this user's new shape from a sibling at the index it was given, and leaves others' shapes to the fold", () => {
    const { editor, p, remote } = boardWithThree()
    const mine = createShapeId('mine')
    editor.createShape({ id: mine, type: 'geo', index: 'a1' as never })
    expect(editor.getShape(mine)!.index).not.toBe('a1')
    expect(editor.getShape(p)!.index).toBe('a1')
    const theirs = createShapeId('theirs')
    remote(theirs, 'a3')
    expect(editor.getShape(theirs)!.index).toBe('a3')
  })

  it('leaves a move that keeps its index alone', () => {
    const { editor, s } = boardWithThree()
    editor.updateShapes([{ id: s, type: 'geo', x: 500 }])
    expect(editor.getShape(s)).toMatchObject({ x: 500, index: 'a2' })
  })
})
