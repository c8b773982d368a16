import { checkRichText, RICH_TEXT_SCHEMA } from '@opificio/shared'
import { getSchema } from '@tiptap/core'
import type { NodeType } from '@tiptap/pm/model'
import { toRichText, tipTapDefaultExtensions } from 'tldraw'
import { describe, expect, it } from 'vitest'

// The server checks rich text against a list written out in shared/; the client renders it with
// tldraw's TipTap extensions. These tests fail when a tldraw upgrade makes the two differ.
const schema = getSchema(tipTapDefaultExtensions)

/** Every node type that may appear anywhere in `type`'s content. */
function childTypes(type: NodeType): string[] {
  const found = new Set<string>()
  const seen = new Set<unknown>()
  const queue = [type.contentMatch]
  while (queue.length > 0) {
    const match = queue.pop()!
    if (seen.has(match)) continue
    seen.add(match)
    for (let i = 0; i < match.edgeCount; i++) {
      const edge = match.edge(i)
      found.add(edge.type.name)
      queue.push(edge.next)
    }
  }
  return [...found].sort()
}

describe('the rich text schema the server checks', () => {
  it('has the nodes, children and attributes of tldraw’s', () => {
    const tldraw = Object.fromEntries(
      Object.values(schema.nodes).map((t) => [t.name, { children: childTypes(t), attrs: Object.keys(t.spec.attrs ?? {}).sort() }])
    )
    const ours = Object.fromEntries(
      Object.entries(RICH_TEXT_SCHEMA.nodes).map(([name, n]) => [name, { children: [...n.children].sort(), attrs: [...n.attrs].sort() }])
    )
    expect(ours).toEqual(tldraw)
  })

  it('has the marks and attributes of tldraw’s', () => {
    const tldraw = Object.fromEntries(Object.values(schema.marks).map((t) => [t.name, Object.keys(t.spec.attrs ?? {}).sort()]))
    const ours = Object.fromEntries(Object.entries(RICH_TEXT_SCHEMA.marks).map(([name, attrs]) => [name, [...attrs].sort()]))
    expect(ours).toEqual(tldraw)
  })

  it('accepts what tldraw’s editor writes, and tldraw reads what it accepts', () => {
    const written = schema
      .node('doc', null, [
        schema.node('heading', { level: 3 }, [schema.text('Tavolo')]),
        schema.node('paragraph', null, [
          schema.text('grassetto', [schema.marks.bold.create(), schema.marks.highlight.create()]),
          schema.node('hardBreak'),
          schema.text('link', [schema.marks.link.create({ href: 'https://example.org/' })]),
        ]),
        schema.node('orderedList', { start: 3 }, [schema.node('listItem', null, [schema.node('paragraph', null, [schema.text('uno')])])]),
      ])
      .toJSON()
    for (const richText of [written, toRichText('ciao\n\nmondo')]) {
      expect(() => checkRichText(richText)).not.toThrow()
      expect(() => schema.nodeFromJSON(richText).check()).not.toThrow()
    }
  })

  it('refuses what tldraw cannot read', () => {
    for (const [poison, why] of [
      [{ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'blink', text: 'x' }] }] }, /unknown node type "blink"/],
      [{ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text' }] }] }, /a text node needs non-empty text/],
    ] as const) {
      expect(() => schema.nodeFromJSON(poison)).toThrow()
      expect(() => checkRichText(poison)).toThrow(why)
    }
  })
})
