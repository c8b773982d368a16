import { BALANCE_SHAPE, boxShapeProps, PACT_SHAPE, type BalanceShape, type PactShape } from '@opificio/shared'
import { BaseBoxShapeUtil, HTMLContainer, stopEventPropagation, type Editor, type TLShapeId } from 'tldraw'
import type { Locale } from '../../i18n/strings.ts'
import { translate } from '../../i18n/translate.ts'
import { tableBalance, type Balance } from '../phases/balance.ts'
import { pactRows, type PactRow } from '../phases/pact.ts'
import { EXPORT_FONT_FACES, overflowMark, TextLines, textWidth, wrapText, type TextStyle } from './svgText.tsx'
import { focusInspector } from '../keyboard/focus.ts'

/** The pact's columns, in the order they are drawn. */
const PACT_COLUMNS = ['who', 'what', 'by', 'resources'] as const

function localeOf(util: { editor: { user: { getLocale(): string } } }): Locale {
  return util.editor.user.getLocale() === 'en' ? 'en' : 'it'
}

function boxPath(w: number, h: number) {
  const path = new Path2D()
  path.roundRect(0, 0, w, h, 8)
  return path
}

/** The live count of the negotiation table: actors per sector inside the frame it sits in. */
export class BalanceShapeUtil extends BaseBoxShapeUtil<BalanceShape> {
  static override type = BALANCE_SHAPE
  static override props = boxShapeProps

  getDefaultProps(): BalanceShape['props'] {
    return { w: 360, h: 150 }
  }

  private balance(shape: BalanceShape) {
    const parent = this.editor.getShape(shape.parentId as TLShapeId)
    return tableBalance(this.editor, parent?.id, localeOf(this))
  }

  override getAriaDescriptor(shape: BalanceShape) {
    const b = this.balance(shape)
    const note = b.duplicatesNote ? `. ${b.duplicatesNote}` : ''
    return `${translate(localeOf(this), 'balance.title')}: ${b.counts.map((c) => `${c.label} ${c.count}`).join(', ')}. ${b.verdict}${note}`
  }

  component(shape: BalanceShape) {
    const b = this.balance(shape)
    const max = Math.max(1, ...b.counts.map((c) => c.count))
    return (
      <HTMLContainer className={`op-balance ${b.balanced ? 'op-balance--ok' : ''}`} style={{ width: shape.props.w, height: shape.props.h }}>
        <div className="op-balance__title">{translate(localeOf(this), 'balance.title')}</div>
        {b.counts.map((c) => (
          <div key={c.id} className="op-balance__row" data-sector={c.id}>
            <span className="op-balance__label">{c.label}</span>
            <span className="op-balance__bar" style={{ width: `${(c.count / max) * 100}%`, background: c.color }} />
            <span className="op-balance__count">{c.count}</span>
          </div>
        ))}
        <div className="op-balance__verdict">{b.verdict}</div>
        {b.duplicatesNote && (
          <div className="op-balance__duplicates" data-duplicates={b.duplicates}>
            {b.duplicatesNote}
          </div>
        )}
      </HTMLContainer>
    )
  }

  override getIndicatorPath(shape: BalanceShape) {
    return boxPath(shape.props.w, shape.props.h)
  }

  override getFontFaces() {
    return EXPORT_FONT_FACES
  }

  exportHeight(shape: BalanceShape) {
    return balanceLayout(this.editor, shape, this.balance(shape), localeOf(this)).h
  }

  /** The canvas's rows in SVG: the sector, a bar as long as its share of the largest, the count. */
  override toSvg(shape: BalanceShape) {
    const b = this.balance(shape)
    const box = balanceLayout(this.editor, shape, b, localeOf(this))
    const { w } = shape.props
    const barX = PAD.x + LABEL_W + GAP
    const barW = w - 2 * PAD.x - LABEL_W - COUNT_W - 2 * GAP
    const max = Math.max(1, ...b.counts.map((c) => c.count))
    return (
      <g {...overflowMark(box.h, shape.props.h)}>
        <rect x={1} y={1} width={w - 2} height={box.h - 2} rx={8} fill="#fff" stroke={b.balanced ? '#2a9d8f' : LINE} strokeWidth={2} />
        <TextLines text={box.title} x={PAD.x} y={box.titleY} style={BALANCE_TITLE} fill={INK} />
        {b.counts.map((c, i) => {
          const row = box.rows[i]
          const mid = row.y + row.h / 2
          return (
            <g key={c.id}>
              <TextLines text={row.label} x={PAD.x} y={row.y} style={BALANCE_TEXT} fill={INK} />
              <rect x={barX} y={mid - 6} width={(c.count / max) * barW} height={12} rx={6} fill={c.color} />
              <TextLines text={row.count} x={w - PAD.x} y={mid - row.count.height / 2} style={BALANCE_COUNT} fill={INK} anchor="end" />
            </g>
          )
        })}
        <TextLines text={box.verdict} x={PAD.x} y={box.verdictY} style={BALANCE_VERDICT} fill={INK} />
        {box.duplicates && <TextLines text={box.duplicates} x={PAD.x} y={box.duplicatesY} style={BALANCE_TEXT} fill={WARN} />}
      </g>
    )
  }
}

const INK = '#1b1f24'
const LINE = '#d6d0c4'
const MUTED = '#4b5563'
/** The canvas's `--op-warn`: a note to check, not an error. */
const WARN = '#8a5a00'
/** The canvas's CSS: padding 8px 12px inside a 2px border, rows of label (8.5rem), bar, count (2rem). */
const PAD = { x: 14, y: 10 }
const LABEL_W = 136
const COUNT_W = 32
const GAP = 6
const BALANCE_TITLE: TextStyle = { size: 16, bold: true }
const BALANCE_TEXT: TextStyle = { size: 15 }
const BALANCE_COUNT: TextStyle = { size: 15, bold: true }
const BALANCE_VERDICT: TextStyle = { size: 15, bold: true }

/** Top to bottom, 4px apart: title, one row per sector (labels wrap in their column), the verdict. */
function balanceLayout(editor: Editor, shape: BalanceShape, b: Balance, locale: Locale) {
  const inner = shape.props.w - 2 * PAD.x
  const title = wrapText(editor, translate(locale, 'balance.title'), inner, BALANCE_TITLE)
  let y = PAD.y + title.height + 4
  const rows = b.counts.map((c) => {
    const label = wrapText(editor, c.label, LABEL_W, BALANCE_TEXT)
    const count = wrapText(editor, String(c.count), COUNT_W, BALANCE_COUNT)
    const row = { label, count, y, h: Math.max(label.height, count.height, 12) }
    y += row.h + 4
    return row
  })
  const verdictY = y + 2
  const verdict = wrapText(editor, b.verdict, inner, BALANCE_VERDICT)
  const duplicatesY = verdictY + verdict.height + 4
  const duplicates = b.duplicatesNote ? wrapText(editor, b.duplicatesNote, inner, BALANCE_TEXT) : undefined
  const bottom = duplicates ? duplicatesY + duplicates.height : verdictY + verdict.height
  const h = Math.max(shape.props.h, Math.ceil(bottom + PAD.y))
  return { h, title, titleY: PAD.y, rows, verdict, verdictY, duplicates, duplicatesY }
}

/** The pact's "chi fa cosa" table, computed from the commitment relations on the page. */
export class PactShapeUtil extends BaseBoxShapeUtil<PactShape> {
  static override type = PACT_SHAPE
  static override props = boxShapeProps

  getDefaultProps(): PactShape['props'] {
    return { w: 960, h: 420 }
  }

  override getAriaDescriptor() {
    const rows = pactRows(this.editor)
    const t = (k: Parameters<typeof translate>[1]) => translate(localeOf(this), k)
    return rows.map((r) => `${r.who} ${t('pact.what')} ${r.what}; ${t('pact.by')} ${r.by}; ${t('pact.resources')} ${r.resources}`).join('. ')
  }

  component(shape: PactShape) {
    const rows = pactRows(this.editor)
    const t = (k: Parameters<typeof translate>[1]) => translate(localeOf(this), k)
    return (
      <HTMLContainer className="op-pact" style={{ width: shape.props.w, height: shape.props.h }}>
        {rows.length === 0 ? (
          <p className="op-pact__empty">{t('pact.empty')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('pact.who')}</th>
                <th>{t('pact.what')}</th>
                <th>{t('pact.by')}</th>
                <th>{t('pact.resources')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.id}
                  className="op-pact__row"
                  title={t('pact.row.edit')}
                  data-relation={r.id}
                  // The row is the commitment: a click or a tap opens it in the inspector, where it is written.
                  onPointerDown={stopEventPropagation}
                  onClick={() => {
                    this.editor.select(r.id as TLShapeId)
                    // The caret after what is written: a tap to read or add to a row must not wipe it.
                    focusInspector(this.editor, '[data-commitment="what"]', false)
                  }}
                >
                  <td>{r.who}</td>
                  <td>{r.what}</td>
                  <td>{r.by}</td>
                  <td>{r.resources}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </HTMLContainer>
    )
  }

  override getIndicatorPath(shape: PactShape) {
    return boxPath(shape.props.w, shape.props.h)
  }

  override getFontFaces() {
    return EXPORT_FONT_FACES
  }

  exportHeight(shape: PactShape) {
    return pactLayout(this.editor, shape, pactRows(this.editor), localeOf(this)).h
  }

  /** Every commitment, every cell's text whole: rows grow to their longest cell, the table to its rows. */
  override toSvg(shape: PactShape) {
    const locale = localeOf(this)
    const table = pactLayout(this.editor, shape, pactRows(this.editor), locale)
    const { w } = shape.props
    const right = w - PACT_PAD
    return (
      <g {...overflowMark(table.h, shape.props.h)}>
        <rect x={1} y={1} width={w - 2} height={table.h - 2} rx={8} fill="#fff" stroke={LINE} strokeWidth={2} />
        {table.empty && <TextLines text={table.empty} x={PACT_PAD + 16} y={PACT_PAD + 16} style={PACT_EMPTY} fill={MUTED} />}
        {table.rows.map((row) => (
          <g key={row.id}>
            {row.cells.map((cell, i) => (
              <TextLines
                key={PACT_COLUMNS[i]}
                text={cell}
                x={table.columns[i].x + CELL_PAD}
                y={row.y + CELL_PAD}
                style={row.header ? PACT_HEAD : PACT_TEXT}
                fill={INK}
              />
            ))}
            <line x1={PACT_PAD} x2={right} y1={row.y + row.h} y2={row.y + row.h} stroke={row.header ? INK : LINE} strokeWidth={row.header ? 2 : 1} />
          </g>
        ))}
      </g>
    )
  }
}

/** The canvas's CSS: 8px inside a 2px border, 16px type, cells padded 6px. */
const PACT_PAD = 10
const CELL_PAD = 6
const PACT_TEXT: TextStyle = { size: 16, lineHeight: 1.3 }
const PACT_HEAD: TextStyle = { ...PACT_TEXT, bold: true }
const PACT_EMPTY: TextStyle = { size: 18 }

/**
 * Column widths as a browser's automatic table layout gives them: each column its one-line width
 * when all fit, else its longest word plus a share of the rest in proportion to its text.
 */
function pactColumns(editor: Editor, texts: string[][], width: number) {
  const widest = (style: TextStyle, text: string) => textWidth(editor, text, style) + 2 * CELL_PAD
  const longestWord = (style: TextStyle, text: string) => Math.max(0, ...text.split(/\s+/).map((word) => widest(style, word)))
  const max = PACT_COLUMNS.map((_, c) => Math.max(...texts.map((row, r) => widest(r === 0 ? PACT_HEAD : PACT_TEXT, row[c]))))
  const min = PACT_COLUMNS.map((_, c) => Math.max(...texts.map((row, r) => longestWord(r === 0 ? PACT_HEAD : PACT_TEXT, row[c]))))
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
  const widths =
    sum(max) <= width
      ? max.map((m) => m + ((width - sum(max)) * m) / sum(max))
      : min.map((m, c) => m + (Math.max(0, width - sum(min)) * (max[c] - m)) / Math.max(1, sum(max) - sum(min)))
  let x = PACT_PAD
  return widths.map((w) => {
    const column = { x, w }
    x += w
    return column
  })
}

function pactLayout(editor: Editor, shape: PactShape, rows: PactRow[], locale: Locale) {
  const { w, h } = shape.props
  if (rows.length === 0) {
    const empty = wrapText(editor, translate(locale, 'pact.empty'), w - 2 * PACT_PAD - 32, PACT_EMPTY)
    return { h: Math.max(h, Math.ceil(empty.height + 2 * PACT_PAD + 32)), empty, columns: [], rows: [] }
  }
  const texts = [PACT_COLUMNS.map((c) => translate(locale, `pact.${c}`)), ...rows.map((r) => PACT_COLUMNS.map((c) => r[c]))]
  const columns = pactColumns(editor, texts, w - 2 * PACT_PAD)
  let y = PACT_PAD
  const laidOut = texts.map((row, r) => {
    const style = r === 0 ? PACT_HEAD : PACT_TEXT
    const cells = row.map((text, c) => wrapText(editor, text, columns[c].w - 2 * CELL_PAD, style))
    const rowH = Math.max(...cells.map((cell) => cell.height), style.size) + 2 * CELL_PAD
    const laid = { id: r === 0 ? 'header' : rows[r - 1].id, header: r === 0, cells, y, h: rowH }
    y += rowH
    return laid
  })
  return { h: Math.max(h, Math.ceil(y + PACT_PAD)), empty: null, columns, rows: laidOut }
}
