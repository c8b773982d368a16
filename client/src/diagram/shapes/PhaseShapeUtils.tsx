import { BALANCE_SHAPE, boxShapeProps, PACT_SHAPE, type BalanceShape, type PactShape } from '@opificio/shared'
import { BaseBoxShapeUtil, HTMLContainer, type TLShapeId } from 'tldraw'
import type { Locale } from '../../i18n/strings.ts'
import { translate } from '../../i18n/translate.ts'
import { tableBalance } from '../phases/balance.ts'
import { pactRows } from '../phases/pact.ts'

/** The pact's columns, in the order they are drawn. */
const PACT_COLUMNS = ['who', 'what', 'by', 'resources'] as const

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'

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
    return `${translate(localeOf(this), 'balance.title')}: ${b.counts.map((c) => `${c.label} ${c.count}`).join(', ')}. ${b.verdict}`
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
      </HTMLContainer>
    )
  }

  override getIndicatorPath(shape: BalanceShape) {
    return boxPath(shape.props.w, shape.props.h)
  }

  override toSvg(shape: BalanceShape) {
    const b = this.balance(shape)
    return (
      <g fontFamily={FONT}>
        <rect width={shape.props.w} height={shape.props.h} rx={8} fill="#fff" stroke={b.balanced ? '#2a9d8f' : '#d6d0c4'} strokeWidth={2} />
        <text x={12} y={24} fontSize={15} fontWeight={700} fill="#1b1f24">
          {translate(localeOf(this), 'balance.title')}
        </text>
        {b.counts.map((c, i) => (
          <text key={c.id} x={12} y={50 + i * 22} fontSize={14} fill={c.color}>{`${c.label}: ${c.count}`}</text>
        ))}
        <text x={12} y={50 + b.counts.length * 22 + 6} fontSize={13} fontWeight={600} fill="#1b1f24">
          {b.verdict}
        </text>
      </g>
    )
  }
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
                <tr key={r.id}>
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

  override toSvg(shape: PactShape) {
    const rows = pactRows(this.editor)
    const t = (k: Parameters<typeof translate>[1]) => translate(localeOf(this), k)
    const cols = [0, 0.25, 0.6, 0.78].map((f) => 12 + f * (shape.props.w - 24))
    const cell = (text: string, max: number) => (text.length > max ? text.slice(0, max - 1) + '…' : text)
    return (
      <g fontFamily={FONT} fontSize={14} fill="#1b1f24">
        <rect width={shape.props.w} height={shape.props.h} rx={8} fill="#fff" stroke="#d6d0c4" strokeWidth={2} />
        {PACT_COLUMNS.map((c) => t(`pact.${c}`)).map((h, i) => (
          <text key={h} x={cols[i]} y={28} fontWeight={700}>
            {h}
          </text>
        ))}
        {rows.map((r, row) =>
          [r.who, r.what, r.by, r.resources].map((v, i) => (
            <text key={`${r.id}-${PACT_COLUMNS[i]}`} x={cols[i]} y={56 + row * 24}>
              {cell(v, i === 1 ? 40 : 24)}
            </text>
          ))
        )}
      </g>
    )
  }
}
