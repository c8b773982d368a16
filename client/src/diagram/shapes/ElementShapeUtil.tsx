import { ELEMENT_SHAPE, elementShapeProps, type ElementShape, type ProcessTemplate } from '@opificio/shared'
import type { CSSProperties } from 'react'
import { BaseBoxShapeUtil, HTMLContainer, type TLShapeUtilCanBindOpts } from 'tldraw'
import { translate } from '../../i18n/translate.ts'
import type { Locale } from '../../i18n/strings.ts'
import { iconPath, Icon } from './icons.tsx'
import { boardTemplate, labelText } from '../model/model.ts'
import { requestNameEdit } from '../model/nameEdit.ts'

interface Look {
  kindLabel: string
  /** What the header says: the kind, or its group when the name already is the kind. */
  heading: string
  kindColor: string
  icon: string
  sector?: { label: string; color: string }
  lines: { label: string; color: string }[]
}

function lookOf(shape: ElementShape, template: ProcessTemplate, locale: Locale): Look {
  const kind = template.elementKinds.find((k) => k.id === shape.props.kind)
  const sector = template.sectors.find((s) => s.id === shape.props.sector)
  const kindLabel = kind ? labelText(kind.label, locale) : shape.props.kind
  const name = shape.props.name.trim()
  return {
    kindLabel,
    heading: kind && (!name || name === kindLabel) ? translate(locale, `one.${kind.group}`) : kindLabel,
    kindColor: kind?.color ?? '#4b5563',
    icon: kind?.icon ?? '',
    sector: sector && { label: labelText(sector.label, locale), color: sector.color },
    lines: shape.props.lines.flatMap((id) => {
      const line = template.lines.find((l) => l.id === id)
      return line ? [{ label: labelText(line.label, locale), color: line.color }] : []
    }),
  }
}

/** Long names get a smaller type, so a card shows a whole organisation's name, not a fragment. */
function nameSize(name: string) {
  return name.length <= 24 ? 19 : name.length <= 44 ? 16 : 14
}

/** Wraps text into lines of at most `max` characters, for SVG export (SVG text does not wrap). */
function wrap(text: string, max: number, lines: number): string[] {
  const out: string[] = []
  let current = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if ((current + ' ' + word).trim().length > max && current) {
      out.push(current)
      current = word
    } else current = (current + ' ' + word).trim()
  }
  if (current) out.push(current)
  if (out.length > lines)
    return [
      ...out.slice(0, lines - 1),
      out
        .slice(lines - 1)
        .join(' ')
        .slice(0, max - 1) + '…',
    ]
  return out
}

/**
 * An actor, place, governance body, resource or need: an icon and colour for its kind, a band
 * for its sector, its name large enough for a projector, its production lines as tags.
 */
export class ElementShapeUtil extends BaseBoxShapeUtil<ElementShape> {
  static override type = ELEMENT_SHAPE
  static override props = elementShapeProps

  getDefaultProps(): ElementShape['props'] {
    return { w: 220, h: 120, kind: 'cittadino', name: '', sector: '', lines: [], notes: '' }
  }

  override canEdit() {
    return false
  }

  override onDoubleClick(shape: ElementShape) {
    this.editor.select(shape.id)
    requestNameEdit(shape.id)
  }

  override canBind({ bindingType }: TLShapeUtilCanBindOpts) {
    return bindingType === 'arrow'
  }

  private locale(): Locale {
    return this.editor.user.getLocale() === 'en' ? 'en' : 'it'
  }

  override getText(shape: ElementShape) {
    return shape.props.name
  }

  override getAriaDescriptor(shape: ElementShape) {
    const look = lookOf(shape, boardTemplate(this.editor), this.locale())
    const parts = [`${look.kindLabel}: ${shape.props.name}`]
    if (look.sector) parts.push(translate(this.locale(), 'element.aria.sector', { sector: look.sector.label }))
    if (look.lines.length) parts.push(translate(this.locale(), 'element.aria.lines', { lines: look.lines.map((l) => l.label).join(', ') }))
    return parts.join('. ')
  }

  component(shape: ElementShape) {
    const look = lookOf(shape, boardTemplate(this.editor), this.locale())
    const { w, h } = shape.props
    return (
      <HTMLContainer
        className="op-element"
        style={{ width: w, height: h, borderColor: look.kindColor, borderLeftColor: look.sector?.color ?? look.kindColor }}
      >
        <div className="op-element__head" style={{ background: look.kindColor }}>
          <Icon name={look.icon} size={18} color="#fff" />
          <span className="op-element__kind">{look.heading}</span>
        </div>
        <div className="op-element__name" style={{ '--op-name-size': `${nameSize(shape.props.name || look.kindLabel)}px` } as CSSProperties}>
          {shape.props.name || look.kindLabel}
        </div>
        {(look.sector || look.lines.length > 0) && (
          <div className="op-element__lines">
            {look.sector && (
              <span className="op-element__sector" style={{ background: look.sector.color }}>
                {look.sector.label}
              </span>
            )}
            {look.lines.map((l) => (
              <span key={l.label} className="op-element__line" style={{ borderColor: l.color, color: l.color }}>
                {l.label}
              </span>
            ))}
          </div>
        )}
      </HTMLContainer>
    )
  }

  override getIndicatorPath(shape: ElementShape): Path2D {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, shape.props.h, 8)
    return path
  }

  /** The same look in plain SVG, so PNG/SVG exports and the projector show one diagram. */
  override toSvg(shape: ElementShape) {
    const look = lookOf(shape, boardTemplate(this.editor), this.locale())
    const { w, h } = shape.props
    const font = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
    const nameLines = wrap(shape.props.name || look.kindLabel, Math.max(8, Math.floor((w - 24) / 10)), Math.max(1, Math.floor((h - 60) / 22)))
    let tagX = 10
    return (
      <g>
        <rect width={w} height={h} rx={8} fill="#ffffff" stroke={look.kindColor} strokeWidth={2} />
        <rect width={6} height={h} rx={3} fill={look.sector?.color ?? look.kindColor} />
        <rect width={w} height={30} rx={8} fill={look.kindColor} />
        <rect y={22} width={w} height={8} fill={look.kindColor} />
        <g transform="translate(8 6) scale(0.75)">
          <path d={iconPath(look.icon)} fill="none" stroke="#fff" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" />
        </g>
        <text x={32} y={20} fill="#fff" fontFamily={font} fontSize={13} fontWeight={600}>
          {look.heading}
          {look.sector ? ` · ${look.sector.label}` : ''}
        </text>
        {nameLines.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the wrapped lines of one name are positions, redrawn whole
          <text key={i} x={14} y={54 + i * 22} fill="#1b1f24" fontFamily={font} fontSize={18} fontWeight={700}>
            {line}
          </text>
        ))}
        {look.lines.map((l) => {
          const width = Math.min(w - 20, l.label.length * 6.2 + 12)
          const x = tagX
          tagX += width + 6
          return (
            <g key={l.label} transform={`translate(${x} ${h - 24})`}>
              <rect width={width} height={18} rx={9} fill="#fff" stroke={l.color} />
              <text x={6} y={13} fill={l.color} fontFamily={font} fontSize={11}>
                {l.label}
              </text>
            </g>
          )
        })}
      </g>
    )
  }
}
