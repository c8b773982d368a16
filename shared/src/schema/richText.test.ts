import { toRichText } from '@tldraw/tlschema'
import { describe, expect, it } from 'vitest'
import { checkDocDiff } from '../sync/checkDocDiff.ts'
import { pushTo, testBoard } from '../testing/testBoard.ts'
import { arrowShape, geoShape } from '../testing/testRecords.ts'
import { checkRichText, RICH_TEXT_LIMITS } from './richText.ts'

const doc = (...content: unknown[]) => ({ type: 'doc', content })
const paragraph = (...content: unknown[]) => ({ type: 'paragraph', content })
const text = (t: string, marks?: unknown[]) => (marks ? { type: 'text', text: t, marks } : { type: 'text', text: t })
const link = (href: string) => ({ type: 'link', attrs: { href, target: '_blank', rel: 'noopener noreferrer nofollow', class: null, title: null } })

/** What tldraw's editor writes for the formatting its toolbar offers (TipTap's getJSON). */
const FORMATTED = doc(
  { type: 'heading', attrs: { dir: 'auto', level: 2 }, content: [text('Tavolo')] },
  {
    type: 'paragraph',
    attrs: { dir: 'auto' },
    content: [
      text('bold', [{ type: 'bold' }]),
      text(' code', [{ type: 'code' }, { type: 'italic' }]),
      { type: 'hardBreak', attrs: { dir: 'auto' } },
      text('sito', [link('https://www.comune.santarcangelo.rn.it/')]),
      text(' scrivi', [link('mailto:opificio@example.org'), { type: 'highlight' }, { type: 'strike' }, { type: 'underline' }]),
    ],
  },
  {
    type: 'bulletList',
    attrs: { dir: 'auto' },
    content: [
      {
        type: 'listItem',
        attrs: { dir: 'auto' },
        content: [
          { type: 'paragraph', attrs: { dir: 'auto' }, content: [text('uno')] },
          { type: 'orderedList', attrs: { dir: 'auto', start: 1, type: null }, content: [{ type: 'listItem', content: [paragraph(text('a'))] }] },
        ],
      },
    ],
  },
  { type: 'paragraph', attrs: { dir: 'auto' } }
)

/** Nested bullet lists, `levels` deep, with text in the innermost. */
function nestedLists(levels: number) {
  let node: unknown = paragraph(text('fondo'))
  for (let i = 0; i < levels; i++) node = { type: 'bulletList', content: [{ type: 'listItem', content: [node] }] }
  return doc(node)
}

describe('rich text', () => {
  it.each([
    ['a word', toRichText('hello')],
    ['lines with an empty one between', toRichText('prima riga\n\nterza riga')],
    ['nothing', toRichText('')],
    ['an empty doc', doc()],
    ['every node and mark tldraw offers', FORMATTED],
    ['a relative link', doc(paragraph(text('qui', [link('/b/abc')])))],
    ['lists nested eight deep', nestedLists(8)],
  ])('accepts %s', (_name, richText) => {
    expect(() => checkRichText(richText)).not.toThrow()
  })

  it.each([
    ['an unknown node type', doc(paragraph({ type: 'blink', text: 'x' })), /unknown node type "blink"/],
    ['a paragraph at the top', paragraph(text('x')), /must be a doc, not a paragraph/],
    ['not an object', 'hello', /must be an object/],
    ['a text node without text', doc(paragraph({ type: 'text' })), /needs non-empty text/],
    ['a text node with empty text', doc(paragraph(text(''))), /needs non-empty text/],
    ['text straight in the doc', doc(text('x')), /text cannot be inside a doc/],
    ['a paragraph inside a paragraph', doc(paragraph(paragraph())), /paragraph cannot be inside a paragraph/],
    ['content in a text node', doc(paragraph({ ...text('x'), content: [] })), /has no content/],
    ['content in a hard break', doc(paragraph({ type: 'hardBreak', content: [text('x')] })), /has no content/],
    ['content that is not a list', { type: 'doc', content: { 0: paragraph() } }, /content must be a list/],
    ['an unknown mark', doc(paragraph(text('x', [{ type: 'blink' }]))), /unknown mark "blink"/],
    ['a javascript: link', doc(paragraph(text('x', [link('javascript:alert(1)')]))), /"href"/],
    ['a javascript: link hidden by a tab', doc(paragraph(text('x', [link('java\tscript:alert(1)')]))), /"href"/],
    ['a data: link', doc(paragraph(text('x', [link('DATA:text/html,<script>')]))), /"href"/],
    ['an unknown attribute', doc({ type: 'paragraph', attrs: { style: 'position:fixed' } }), /unknown attribute "style"/],
    ['an object as attribute', doc({ type: 'heading', attrs: { level: { toString: 1 } } }), /"level"/],
    ['a heading level past six', doc({ type: 'heading', attrs: { level: 7 } }), /"level"/],
    ['a mark on a paragraph', doc({ type: 'paragraph', marks: [{ type: 'bold' }] }), /only inline nodes take marks/],
    ['a mark given twice', doc(paragraph(text('x', [{ type: 'bold' }, { type: 'bold' }]))), /given twice/],
    ['a field the schema does not know', doc({ type: 'paragraph', html: '<b>' }), /unknown field "html"/],
    ['lists nested past the bound', nestedLists(RICH_TEXT_LIMITS.depth), /deeper than/],
    ['too much text', doc(paragraph(text('x'.repeat(RICH_TEXT_LIMITS.textLength + 1)))), /longer than/],
    ['too many nodes', doc(...Array.from({ length: RICH_TEXT_LIMITS.nodes }, () => paragraph())), /more than .* nodes/],
    ['a prototype key as type', doc({ type: '__proto__' }), /unknown node type/],
  ])('refuses %s with a reason', (_name, richText, reason) => {
    expect(() => checkRichText(richText)).toThrow(reason)
  })
})

describe('rich text in a push', () => {
  const poisoned = doc(paragraph({ type: 'blink', text: 'x' }))

  it('refuses a shape whose label does not render, naming the shape', () => {
    const result = checkDocDiff({ 'shape:p': ['put', geoShape('p', {}, { richText: poisoned })] })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.refusal.detail).toMatch(/invalid shape shape:p: .*unknown node type "blink"/)
  })

  it('checks arrow labels too', () => {
    const arrow = arrowShape('a') as unknown as { props: Record<string, unknown> }
    arrow.props.richText = poisoned
    expect(checkDocDiff({ 'shape:a': ['put', arrow] }).ok).toBe(false)
  })

  it('refuses a patch that poisons a valid label, applying nothing', () => {
    const board = testBoard(geoShape('p'))
    const result = pushTo(board, { 'shape:p': ['patch', { nested: { props: { set: { richText: poisoned } } } }] })
    expect(result.ok).toBe(false)
    expect((board.get('shape:p') as unknown as { props: { richText: unknown } }).props.richText).toEqual(toRichText(''))
  })

  it('accepts a shape with formatted text', () => {
    expect(pushTo(testBoard(), { 'shape:p': ['put', geoShape('p', {}, { richText: FORMATTED })] }).ok).toBe(true)
  })
})
