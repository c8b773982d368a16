/**
 * The rich text tldraw's shapes carry (geo, text, note, arrow labels), checked against the node and
 * mark schema the client renders it with: tldraw 5's default TipTap extensions (StarterKit without
 * blockquote, code block and horizontal rule, plus Highlight and TextDirection). tldraw's own
 * validator only asks for `{type, content: unknown[]}`, and its renderer throws on anything the
 * TipTap schema does not know, for every viewer, on every load: so a board takes only what renders.
 * client/src/board/richTextSchema.test.ts holds this list to tldraw's.
 */

type AttrCheck = (value: unknown) => boolean

interface NodeSpec {
  /** Node types allowed as children; absent for a leaf. */
  children?: ReadonlySet<string>
  attrs: Readonly<Record<string, AttrCheck>>
  /** Inline nodes carry marks. */
  inline?: boolean
}

export const RICH_TEXT_LIMITS = {
  /** Nodes from the doc down to a text node; nested lists take two levels each. */
  depth: 20,
  nodes: 5_000,
  /** Characters of text in one rich text, all nodes together. */
  textLength: 50_000,
  /** Characters of one attribute value (a link, a title). */
  attrLength: 2_048,
} as const

const oneOf =
  (...values: unknown[]): AttrCheck =>
  (v) =>
    values.includes(v)
const boundedString: AttrCheck = (v) => typeof v === 'string' && v.length <= RICH_TEXT_LIMITS.attrLength
const optionalString: AttrCheck = (v) => v === null || boundedString(v)
const direction = oneOf('auto', 'ltr', 'rtl', null)

const BLOCKS = new Set(['paragraph', 'heading', 'bulletList', 'orderedList'])
const INLINE = new Set(['text', 'hardBreak'])
const LIST_ITEMS = new Set(['listItem'])

const NODES: Readonly<Record<string, NodeSpec>> = {
  doc: { children: BLOCKS, attrs: { dir: direction } },
  paragraph: { children: INLINE, attrs: { dir: direction } },
  heading: { children: INLINE, attrs: { dir: direction, level: oneOf(1, 2, 3, 4, 5, 6) } },
  bulletList: { children: LIST_ITEMS, attrs: { dir: direction } },
  orderedList: {
    children: LIST_ITEMS,
    attrs: {
      dir: direction,
      start: (v) => Number.isSafeInteger(v),
      type: oneOf(null, '1', 'a', 'A', 'i', 'I'),
    },
  },
  listItem: { children: BLOCKS, attrs: { dir: direction } },
  hardBreak: { attrs: { dir: direction }, inline: true },
  text: { attrs: {}, inline: true },
}

/**
 * Where a link may lead. Links open only when clicked, so any web page is fine; what must never
 * get in is a scheme that runs code (`javascript:`, `data:`, `vbscript:`).
 */
const LINK_SCHEMES = new Set(['http', 'https', 'mailto', 'tel'])

function isSafeHref(v: unknown): boolean {
  if (!boundedString(v)) return false
  const href = v as string
  // Browsers drop control characters and whitespace inside a scheme ("java\tscript:"): refuse them outright.
  if (/[\u0000-\u0020\u007f]/.test(href)) return false
  const scheme = /^([^/?#]*?):/.exec(href)?.[1]
  return scheme === undefined || LINK_SCHEMES.has(scheme.toLowerCase())
}

const MARKS: Readonly<Record<string, Readonly<Record<string, AttrCheck>>>> = {
  bold: {},
  italic: {},
  code: {},
  strike: {},
  underline: {},
  highlight: {},
  link: { href: isSafeHref, target: optionalString, rel: optionalString, class: optionalString, title: optionalString },
}

/** The schema above as names only: node → {children, attrs}, mark → attrs. */
export const RICH_TEXT_SCHEMA = {
  nodes: Object.fromEntries(
    Object.entries(NODES).map(([type, spec]) => [type, { children: [...(spec.children ?? [])], attrs: Object.keys(spec.attrs) }])
  ),
  marks: Object.fromEntries(Object.entries(MARKS).map(([type, attrs]) => [type, Object.keys(attrs)])),
}

const NODE_KEYS = new Set(['type', 'attrs', 'content', 'text', 'marks'])
const MARK_KEYS = new Set(['type', 'attrs'])

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function checkAttrs(attrs: unknown, allowed: Readonly<Record<string, AttrCheck>>, where: string) {
  if (attrs === undefined) return
  if (!isPlainObject(attrs)) throw new Error(`${where}: attrs must be an object`)
  for (const [key, value] of Object.entries(attrs)) {
    if (!Object.hasOwn(allowed, key)) throw new Error(`${where}: unknown attribute "${key.slice(0, 40)}"`)
    if (!allowed[key](value)) throw new Error(`${where}: attribute "${key}" has a value it cannot take`)
  }
}

function checkMarks(marks: unknown, where: string) {
  if (marks === undefined) return
  if (!Array.isArray(marks)) throw new Error(`${where}: marks must be a list`)
  const seen = new Set<string>()
  for (const mark of marks) {
    if (!isPlainObject(mark)) throw new Error(`${where}: a mark must be an object`)
    const { type } = mark
    if (typeof type !== 'string' || !Object.hasOwn(MARKS, type)) {
      throw new Error(`${where}: unknown mark "${String(type).slice(0, 40)}"`)
    }
    if (seen.has(type)) throw new Error(`${where}: mark "${type}" given twice`)
    seen.add(type)
    for (const key of Object.keys(mark)) if (!MARK_KEYS.has(key)) throw new Error(`${where}: unknown mark field "${key.slice(0, 40)}"`)
    checkAttrs(mark.attrs, MARKS[type], `${where} ${type} mark`)
  }
}

/**
 * Throws an Error saying what is wrong when `richText` is not a document tldraw's default rich
 * text extensions render.
 */
export function checkRichText(richText: unknown): void {
  let nodes = 0
  let textLength = 0

  const visit = (node: unknown, depth: number, parent: string, allowed: ReadonlySet<string>, path: string) => {
    if (depth > RICH_TEXT_LIMITS.depth) throw new Error(`rich text nested deeper than ${RICH_TEXT_LIMITS.depth} levels`)
    if (++nodes > RICH_TEXT_LIMITS.nodes) throw new Error(`rich text with more than ${RICH_TEXT_LIMITS.nodes} nodes`)
    if (!isPlainObject(node)) throw new Error(`${path}: a node must be an object`)
    const { type } = node
    if (typeof type !== 'string' || !Object.hasOwn(NODES, type)) {
      throw new Error(`${path}: unknown node type "${String(type).slice(0, 40)}"`)
    }
    if (!allowed.has(type)) {
      throw new Error(depth === 1 ? `rich text must be a doc, not a ${type}` : `${path}: a ${type} cannot be inside a ${parent}`)
    }
    const where = `${path} (${type})`
    for (const key of Object.keys(node)) if (!NODE_KEYS.has(key)) throw new Error(`${where}: unknown field "${key.slice(0, 40)}"`)
    const spec = NODES[type]
    checkAttrs(node.attrs, spec.attrs, where)

    if (type === 'text') {
      if (typeof node.text !== 'string' || node.text.length === 0) throw new Error(`${where}: a text node needs non-empty text`)
      textLength += node.text.length
      if (textLength > RICH_TEXT_LIMITS.textLength) {
        throw new Error(`rich text longer than ${RICH_TEXT_LIMITS.textLength} characters`)
      }
    } else if (node.text !== undefined) {
      throw new Error(`${where}: only text nodes hold text`)
    }

    if (spec.inline) checkMarks(node.marks, where)
    else if (node.marks !== undefined) throw new Error(`${where}: only inline nodes take marks`)

    if (node.content === undefined) return
    if (!spec.children) throw new Error(`${where}: a ${type} has no content`)
    if (!Array.isArray(node.content)) throw new Error(`${where}: content must be a list`)
    node.content.forEach((child, i) => visit(child, depth + 1, type, spec.children!, `${path}.${i}`))
  }

  visit(richText, 1, '', new Set(['doc']), 'rich text')
}
