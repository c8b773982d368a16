import { BALANCE_SHAPE, ELEMENT_SHAPE, PACT_SHAPE, type ElementShape, type ProcessTemplate } from '@opificio/shared'
import { Box, createShapeId, toRichText, type Editor, type TLArrowShape, type TLFrameShape, type TLShapeId } from 'tldraw'
import type { Locale, StringKey } from '../../i18n/strings.ts'
import { translate } from '../../i18n/translate.ts'
import { boardTemplate, labelText, relationStyle } from '../model/model.ts'
import { clearScreenArea, ELEMENT_SIZE } from '../model/placement.ts'

interface Ctx {
  editor: Editor
  template: ProcessTemplate
  locale: Locale
  t(key: StringKey): string
}

function frame(c: Ctx, name: string, x: number, y: number, w: number, h: number, parentId?: TLShapeId): TLShapeId {
  const id = createShapeId()
  c.editor.createShape<TLFrameShape>({ id, type: 'frame', parentId, x, y, props: { w, h, name } })
  return id
}

/** A phase's own frame, marked with its number, so "go to phase" finds it whatever it is renamed to. */
function phaseFrame(c: Ctx, phase: number, name: string, x: number, y: number, w: number, h: number): TLShapeId {
  const id = createShapeId()
  c.editor.createShape<TLFrameShape>({ id, type: 'frame', x, y, props: { w, h, name }, meta: { [PHASE_META]: phase } })
  return id
}

/** The meta key that marks a phase's frame with the phase's number. */
export const PHASE_META = 'opificioPhase'

/** The title each phase's frame is given, in every language: frames from before the mark are found by it. */
export const PHASE_FRAME_TITLES: Record<number, StringKey> = { 1: 'phase.table.title', 2: 'phase.map.title', 3: 'phase.pact.title' }

function text(c: Ctx, parentId: TLShapeId, content: string, x: number, y: number, w: number) {
  c.editor.createShape({ type: 'text', parentId, x, y, props: { richText: toRichText(content), autoSize: false, w, size: 'm', font: 'sans' } })
}

function element(c: Ctx, parentId: TLShapeId, kindId: string, x: number, y: number, name?: string): TLShapeId {
  const kind = c.template.elementKinds.find((k) => k.id === kindId)
  const id = createShapeId()
  if (!kind) return id
  c.editor.createShape<ElementShape>({
    id,
    type: ELEMENT_SHAPE,
    parentId,
    x,
    y,
    props: { ...ELEMENT_SIZE, kind: kind.id, name: name ?? labelText(kind.label, c.locale), sector: kind.sector, lines: [], notes: '' },
  })
  return id
}

function connect(c: Ctx, parentId: TLShapeId, from: TLShapeId, to: TLShapeId, relationId: string) {
  const type = c.template.relationTypes.find((r) => r.id === relationId)
  if (!type) return
  const id = createShapeId()
  c.editor.createShape<TLArrowShape>({ id, type: 'arrow', parentId, x: 0, y: 0, props: relationStyle(type), meta: { relation: type.id } })
  const anchor = { normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' as const }
  c.editor.createBindings([
    { type: 'arrow', fromId: id, toId: from, props: { terminal: 'start', ...anchor } },
    { type: 'arrow', fromId: id, toId: to, props: { terminal: 'end', ...anchor } },
  ])
}

function question(c: Ctx, n: number) {
  const phase = c.template.phases.find((p) => p.number === n)
  return phase ? `${labelText(phase.label, c.locale)}: ${labelText(phase.question, c.locale)}` : ''
}

/** Phase 1: the negotiation table, a column per sector and the live balance of who sits at it. */
function negotiationTable(c: Ctx, x: number, y: number) {
  const columnW = 380
  const w = 40 + c.template.sectors.length * (columnW + 20) + 20
  const f = phaseFrame(c, 1, c.t('phase.table.title'), x, y, Math.max(w, 1240), 860)
  text(c, f, question(c, 1), 40, 40, 760)
  c.editor.createShape({ type: BALANCE_SHAPE, parentId: f, x: 840, y: 30, props: { w: 360, h: 170 } })
  c.template.sectors.forEach((s, i) => frame(c, labelText(s.label, c.locale), 40 + i * (columnW + 20), 240, columnW, 580, f))
  return f
}

/** Phase 2: the seven places of the square kilometre, production-line lanes, the governance canvas. */
function squareKilometre(c: Ctx, x: number, y: number) {
  const f = phaseFrame(c, 2, c.t('phase.map.title'), x, y, 2080, 1220)
  text(c, f, question(c, 2), 40, 40, 1200)
  const places = c.template.elementKinds.filter((k) => k.group === 'place')
  places.forEach((p, i) => {
    const angle = (2 * Math.PI * i) / places.length - Math.PI / 2
    element(c, f, p.id, 520 + 380 * Math.cos(angle) - ELEMENT_SIZE.w / 2, 660 + 380 * Math.sin(angle) - ELEMENT_SIZE.h / 2)
  })
  const lanes = frame(c, c.t('phase.lanes.title'), 1120, 160, 920, 560, f)
  // Each lane's own title sits above it, inside the lanes frame: leave it room.
  const laneH = (560 - 50 - c.template.lines.length * 34) / Math.max(1, c.template.lines.length)
  c.template.lines.forEach((l, i) => frame(c, labelText(l.label, c.locale), 20, 44 + i * (laneH + 34), 880, laneH, lanes))
  const gov = frame(c, c.t('phase.governance.title'), 1120, 760, 920, 420, f)
  const cabina = element(c, gov, 'cabina-regia', 350, 40)
  const cm1 = element(c, gov, 'community-manager', 60, 250)
  const cm2 = element(c, gov, 'community-manager', 640, 250)
  connect(c, gov, cabina, cm1, 'coordina')
  connect(c, gov, cabina, cm2, 'coordina')
  return f
}

/** Phase 3: the collaboration pact's "who does what", filled from the commitment relations. */
function pactArea(c: Ctx, x: number, y: number) {
  const f = phaseFrame(c, 3, c.t('phase.pact.title'), x, y, 1160, 700)
  text(c, f, question(c, 3), 40, 40, 1080)
  c.editor.createShape({ type: PACT_SHAPE, parentId: f, x: 40, y: 180, props: { w: 1080, h: 480 } })
  return f
}

const BUILDERS: Record<number, (c: Ctx, x: number, y: number) => TLShapeId> = { 1: negotiationTable, 2: squareKilometre, 3: pactArea }

/** Inserts phase `n`'s ready frames to the right of what the page holds, and brings them into view. */
export function insertPhase(editor: Editor, n: number, locale: Locale) {
  const build = BUILDERS[n]
  if (!build) return
  const c: Ctx = { editor, template: boardTemplate(editor), locale, t: (key) => translate(locale, key) }
  const bounds = editor.getCurrentPageBounds()
  const at = bounds ? { x: bounds.maxX + 200, y: bounds.minY } : editor.getViewportPageBounds().point
  editor.markHistoryStoppingPoint(`insert phase ${n}`)
  let id: TLShapeId | undefined
  editor.run(() => {
    id = build(c, at.x, at.y)
  })
  const inserted = id && editor.getShapePageBounds(id)
  editor.selectNone()
  if (inserted) showClearOfPanels(editor, Box.From(inserted))
}

/** Zooms so the box fits where tldraw's own panels (menu, styles, toolbar) do not cover it. */
function showClearOfPanels(editor: Editor, box: Box) {
  const clear = clearScreenArea(editor)
  const z = Math.min(clear.w / box.w, clear.h / box.h, 1)
  const left = clear.x + (clear.w - box.w * z) / 2
  const top = clear.y + (clear.h - box.h * z) / 2
  editor.setCamera({ x: left / z - box.x, y: top / z - box.y, z }, { animation: { duration: 300 } })
}
