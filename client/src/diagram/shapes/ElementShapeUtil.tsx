import { describeElement } from '../a11y/describe.ts'
import { ELEMENT_SHAPE, elementShapeProps, type ElementShape, type ProcessTemplate } from '@opificio/shared'
import type { CSSProperties } from 'react'
import { BaseBoxShapeUtil, HTMLContainer, type Editor, type TLShapeUtilCanBindOpts } from 'tldraw'
import { translate } from '../../i18n/translate.ts'
import type { Locale } from '../../i18n/strings.ts'
import { iconPath, Icon } from './icons.tsx'
import { measuredOnce } from './measureCache.ts'
import { boardTemplate, labelText } from '../model/model.ts'
import { finishedName } from '../model/nameEdit.ts'
import { NameEditor } from './NameEditor.tsx'
import { InView } from './InView.tsx'
import { EXPORT_FONT_FACES, exportFontsReady, overflowMark, TextLines, wrapText, type TextStyle, type WrappedText } from './svgText.tsx'

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
  return name.length <= 24 ? 19 : name.length <= 44 ? 16 : name.length <= 80 ? 14 : 12
}

/** A long kind ("Organizzazione del Terzo settore") wraps on two lines of a smaller type, not an ellipsis. */
function headSize(heading: string) {
  return heading.length <= 22 ? 13 : 12
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

  /** Double-click, double-tap and Enter edit the name on the card itself (tldraw's editing state). */
  override canEdit() {
    return true
  }

  /** An emptied name goes back to the kind's; a longer one makes the card tall enough to show it whole. */
  override onEditEnd(shape: ElementShape) {
    const look = lookOf(shape, boardTemplate(this.editor), this.locale())
    const name = finishedName(shape.props.name, look.kindLabel)
    const named = { ...shape, props: { ...shape.props, name } }
    const h = Math.ceil(Math.max(canvasNeededHeight(this.editor, named, look), shape.props.h))
    if (name === shape.props.name && h === shape.props.h) return
    this.editor.updateShape<ElementShape>({ id: shape.id, type: shape.type, props: { name, h } })
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
    return describeElement(this.editor, shape)
  }

  component(shape: ElementShape) {
    return <InView editor={this.editor} id={shape.id} draw={() => this.card(shape)} />
  }

  private card(shape: ElementShape) {
    const look = lookOf(shape, boardTemplate(this.editor), this.locale())
    const { w, h } = shape.props
    const editing = this.editor.getEditingShapeId() === shape.id
    const shown = shape.props.name || look.kindLabel
    const size = nameSize(shown)
    const lines = canvasNameLines(this.editor, shape, look)
    // The clamp puts its ellipsis on the last line that fits; the height keeps the lines after it
    // from showing through below when the box is taller than those lines.
    const nameStyle = { '--op-name-size': `${size}px`, WebkitLineClamp: lines, maxHeight: `${lines * size * 1.2}px` } as CSSProperties
    return (
      <HTMLContainer
        className="op-element"
        style={{ width: w, height: h, borderColor: look.kindColor, borderLeftColor: look.sector?.color ?? look.kindColor }}
      >
        <div className="op-element__head" style={{ background: look.kindColor }}>
          <Icon name={look.icon} size={18} color="#fff" />
          <span className="op-element__kind" style={{ fontSize: headSize(look.heading) }}>
            {look.heading}
          </span>
        </div>
        {editing ? (
          <NameEditor
            editor={this.editor}
            shape={shape}
            label={translate(this.locale(), 'element.name.edit', { kind: look.kindLabel })}
            style={nameStyle}
          />
        ) : (
          <div className="op-element__name" style={nameStyle}>
            {shown}
          </div>
        )}
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

  override getFontFaces() {
    return EXPORT_FONT_FACES
  }

  /** An export asks twice, for its bounds then for the drawing: measure each version of a card once. */
  private readonly cards = new WeakMap<ElementShape, { key: string; look: Look; card: CardLayout }>()

  private exportLayout(shape: ElementShape) {
    const look = lookOf(shape, boardTemplate(this.editor), this.locale())
    const key = JSON.stringify(look)
    const cached = this.cards.get(shape)
    if (cached?.key === key) return cached
    const entry = { key, look, card: cardLayout(this.editor, shape, look) }
    if (exportFontsReady(this.editor)) this.cards.set(shape, entry)
    return entry
  }

  /** As tall as the card must be for its whole name and every tag: never less than on the canvas. */
  exportHeight(shape: ElementShape) {
    return this.exportLayout(shape).card.h
  }

  /** The same card in plain SVG, for PNG/SVG exports: nothing clipped, whatever the canvas clamps. */
  override toSvg(shape: ElementShape) {
    const { look, card } = this.exportLayout(shape)
    const { w } = shape.props
    const { h } = card
    const band = look.sector?.color ?? look.kindColor
    return (
      <g {...overflowMark(h, shape.props.h)}>
        <rect width={w} height={h} rx={8} fill={look.kindColor} />
        <path d={`M8 0H${BORDER.left}V${h}H8A8 8 0 0 1 0 ${h - 8}V8A8 8 0 0 1 8 0Z`} fill={band} />
        <rect x={BORDER.left} y={BORDER.side} width={w - BORDER.left - BORDER.side} height={h - 2 * BORDER.side} rx={6} fill="#fff" />
        <rect x={BORDER.left} y={BORDER.side} width={w - BORDER.left - BORDER.side} height={card.headH} fill={look.kindColor} />
        <g transform={`translate(${BORDER.left + 8} ${BORDER.side + (card.headH - ICON) / 2}) scale(${ICON / 24})`}>
          <path d={iconPath(look.icon)} fill="none" stroke="#fff" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" />
        </g>
        <TextLines
          text={card.heading}
          x={BORDER.left + 8 + ICON + 6}
          y={BORDER.side + (card.headH - card.heading.height) / 2}
          style={HEAD_TEXT}
          fill="#fff"
        />
        <TextLines text={card.name} x={BORDER.left + 10} y={card.nameY} style={card.nameStyle} fill="#1b1f24" />
        {card.tags.map((tag) => (
          <g key={`${tag.filled}-${tag.label}`} transform={`translate(${tag.x} ${tag.y})`}>
            <rect
              width={tag.w}
              height={tag.h}
              rx={Math.min(tag.h / 2, 9)}
              fill={tag.filled ? tag.color : '#fff'}
              stroke={tag.filled ? 'none' : tag.color}
              strokeWidth={1.5}
            />
            <TextLines text={tag.text} x={TAG_PAD} y={1.5} style={tag.style} fill={tag.filled ? '#fff' : tag.color} />
          </g>
        ))}
      </g>
    )
  }
}

/** The type the canvas's CSS gives the card (`.op-element`): measured as shown, unlike an export's. */
const CANVAS_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

function canvasTextHeight(editor: Editor, text: string, size: number, width: number, lineHeight: number) {
  return measuredOnce(editor, JSON.stringify(['canvas', text, size, width, lineHeight]), () => {
    const opts = { fontStyle: 'normal', fontWeight: '700', fontFamily: CANVAS_FONT, fontSize: size, lineHeight, maxWidth: width, padding: '0px' }
    return editor.textMeasure.measureText(text, { ...opts, otherStyles: { 'overflow-wrap': 'anywhere' } }).h
  })
}

/**
 * The card's middle on the canvas, where its name goes: below the head, above the tags. The
 * tags' rows are the export's, whose pills wrap alike.
 */
function canvasNameBox(editor: Editor, shape: ElementShape, look: Look) {
  const inner = shape.props.w - BORDER.left - BORDER.side
  const headH = Math.max(HEAD_MIN, canvasTextHeight(editor, look.heading, headSize(look.heading), inner - 16 - ICON - 6, 1.15) + 8)
  const { height: tagsH } = tagRows(editor, look, inner - 16)
  return { top: BORDER.side + headH + 6, bottom: 4 + tagsH + BORDER.side, width: inner - 20 }
}

/** How many lines of its name the card's middle holds: a clamp that never cuts a line in half. */
function canvasNameLines(editor: Editor, shape: ElementShape, look: Look) {
  const { top, bottom } = canvasNameBox(editor, shape, look)
  const lineH = nameSize(shape.props.name || look.kindLabel) * 1.2
  // A hair of slack: a card grown to fit three lines measures 2.99 of them in floating point.
  return Math.max(1, Math.floor((shape.props.h - top - bottom) / lineH + 0.05))
}

/** How tall the card must be on the canvas to show its whole name. */
function canvasNeededHeight(editor: Editor, shape: ElementShape, look: Look) {
  const { top, bottom, width } = canvasNameBox(editor, shape, look)
  const name = shape.props.name || look.kindLabel
  return top + canvasTextHeight(editor, name, nameSize(name), width, 1.2) + bottom
}

/** The card's borders (left: the sector's band), as the canvas's CSS draws them. */
const BORDER = { left: 8, side: 2 }
const HEAD_MIN = 28
const ICON = 18
const HEAD_TEXT: TextStyle = { size: 13, bold: true }
const TAG_PAD = 7
const TAG_GAP = 4
/** The name's type: the canvas's size for its length first, smaller ones before the card grows. */
const NAME_SIZES = [19, 16, 14, 13, 12]

interface Tag {
  label: string
  color: string
  /** The sector is a filled pill, a production line an outlined one. */
  filled: boolean
  style: TextStyle
  text: WrappedText
  x: number
  y: number
  w: number
  h: number
}

/** The sector and the production lines as rows of pills `rowW` wide, from the rows' top; their height with the gap below. */
function tagRows(editor: Editor, look: Look, rowW: number): { tags: Tag[]; height: number } {
  const tags: Tag[] = []
  let x = 0
  let y = 0
  let rowH = 0
  const pills = [...(look.sector ? [{ ...look.sector, filled: true }] : []), ...look.lines.map((l) => ({ ...l, filled: false }))]
  for (const pill of pills) {
    const style: TextStyle = { size: 11, bold: pill.filled }
    const text = wrapText(editor, pill.label, rowW - 2 * TAG_PAD, style)
    const tag = { ...pill, style, text, w: text.width + 2 * TAG_PAD, h: text.height + 3, x, y }
    if (x > 0 && x + tag.w > rowW) {
      y += rowH + TAG_GAP
      rowH = 0
      tag.x = 0
      tag.y = y
    }
    tags.push(tag)
    x = tag.x + tag.w + TAG_GAP
    rowH = Math.max(rowH, tag.h)
  }
  return { tags, height: tags.length ? y + rowH + 6 : 0 }
}

/**
 * Where the card's parts go in an export: the head with its kind, the name, then the sector and
 * the production lines as wrapped rows of pills at the bottom, as on the canvas. The card keeps
 * its size if the name fits in some size of the canvas's type; else it grows, so nothing is cut.
 */
type CardLayout = ReturnType<typeof cardLayout>

function cardLayout(editor: Editor, shape: ElementShape, look: Look) {
  const { w, h } = shape.props
  const inner = w - BORDER.left - BORDER.side
  const heading = wrapText(editor, look.heading, inner - 16 - ICON - 6, HEAD_TEXT)
  const headH = Math.max(HEAD_MIN, heading.height + 8)
  const { tags, height: tagsH } = tagRows(editor, look, inner - 16)

  const nameText = shape.props.name || look.kindLabel
  const fixed = BORDER.side + headH + 6 + 4 + tagsH + BORDER.side
  const sizes = NAME_SIZES.filter((s) => s <= nameSize(nameText))
  let nameStyle: TextStyle = { size: sizes[0], bold: true, lineHeight: 1.2 }
  let name = wrapText(editor, nameText, inner - 20, nameStyle)
  for (const size of sizes.slice(1)) {
    if (fixed + name.height <= h) break
    nameStyle = { ...nameStyle, size }
    name = wrapText(editor, nameText, inner - 20, nameStyle)
  }
  const cardH = Math.max(h, Math.ceil(fixed + name.height))
  const tagsTop = cardH - BORDER.side - tagsH
  for (const tag of tags) {
    tag.x += BORDER.left + 8
    tag.y += tagsTop
  }
  return { h: cardH, headH, heading, name, nameStyle, nameY: BORDER.side + headH + 6, tags }
}
