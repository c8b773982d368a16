import {
  ELEMENT_SHAPE,
  templateOf,
  type ElementShape,
  type Label,
  type ProcessTemplate,
  type RelationMeta,
  type RelationType,
} from '@opificio/shared'
import { createShapeId, type Editor, type TLArrowShape, type TLShape, type TLShapeId } from 'tldraw'
import type { Locale } from '../../i18n/strings.ts'

/** The label in the user's language, falling back to Italian. */
export function labelText(label: Label, locale: Locale): string {
  return (locale === 'en' && label.en) || label.it
}

/** tldraw's id for the popover that holds the style panel (here, the inspector) on a phone. */
export const PHONE_INSPECTOR = 'mobile style menu'

/** The board's template, read from its store (reactive inside tldraw's tracked renders). */
export function boardTemplate(editor: Editor): ProcessTemplate {
  return templateOf((id) => editor.store.get(id as never))
}

export function isElement(shape: TLShape | undefined): shape is ElementShape {
  return shape?.type === ELEMENT_SHAPE
}

export function isArrow(shape: TLShape | undefined): shape is TLArrowShape {
  return shape?.type === 'arrow'
}

/** How an arrow of this relation type is drawn: colour, dash and heads follow the type. */
export function relationStyle(type: RelationType): Partial<TLArrowShape['props']> {
  return {
    color: type.color,
    dash: type.dash,
    arrowheadStart: type.direction === 'mutual' ? 'arrow' : 'none',
    arrowheadEnd: type.direction === 'either' ? 'none' : 'arrow',
  }
}

export function relationOf(arrow: TLArrowShape): RelationMeta {
  return arrow.meta as RelationMeta
}

/** Whether anyone wrote any part of the relation's commitment (what, by when, resources). */
export function hasCommitment(meta: RelationMeta): boolean {
  const c = meta.commitment
  return Boolean(c && (c.what.trim() || c.by.trim() || c.resources.trim()))
}

/** Retyping to a type without commitments drops what was written: the inspector asks first. */
export function retypeLosesCommitment(meta: RelationMeta, type: RelationType): boolean {
  return !type.commitment && hasCommitment(meta)
}

/** The relation's meta once it is of `type`: a commitment type gets the fields, any other loses them. */
export function retypedMeta(meta: RelationMeta, type: RelationType): RelationMeta {
  const { commitment, ...rest } = meta
  if (!type.commitment) return { ...rest, relation: type.id }
  return { ...rest, relation: type.id, commitment: commitment ?? { what: '', by: '', resources: '' } }
}

export function setRelationType(editor: Editor, arrow: TLArrowShape, type: RelationType) {
  editor.markHistoryStoppingPoint('set relation type')
  const meta = retypedMeta(relationOf(arrow), type)
  editor.updateShape<TLArrowShape>({ id: arrow.id, type: 'arrow', meta: meta as never, props: relationStyle(type) })
}

/**
 * A relation from one element to another, without a type yet, as the arrow tool would draw it:
 * an arrow bound at both ends. It is selected, so the inspector asks what kind it is.
 */
export function connectElements(editor: Editor, from: TLShape, to: TLShape): TLShapeId {
  const id = createShapeId()
  const anchor = { normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' as const }
  editor.markHistoryStoppingPoint('connect elements')
  editor.run(() => {
    editor.createShape<TLArrowShape>({ id, type: 'arrow', x: 0, y: 0, meta: {} })
    editor.createBindings([
      { type: 'arrow', fromId: id, toId: from.id, props: { terminal: 'start', ...anchor } },
      { type: 'arrow', fromId: id, toId: to.id, props: { terminal: 'end', ...anchor } },
    ])
  })
  editor.select(id)
  return id
}

/** Swaps a relation's ends: who coordinates whom, drawn the wrong way round, without redrawing it. */
export function reverseRelation(editor: Editor, arrow: TLArrowShape) {
  editor.markHistoryStoppingPoint('reverse relation')
  editor.run(() => {
    const bindings = editor.getBindingsFromShape(arrow, 'arrow')
    editor.updateBindings(
      bindings.map((b) => {
        const props = b.props as { terminal: 'start' | 'end' }
        return { id: b.id, type: b.type, props: { ...props, terminal: props.terminal === 'start' ? 'end' : 'start' } }
      })
    )
    editor.updateShape<TLArrowShape>({ id: arrow.id, type: 'arrow', props: { start: arrow.props.end, end: arrow.props.start } })
  })
}

/** The shapes an arrow's two ends are bound to. */
export function arrowEnds(editor: Editor, arrow: TLArrowShape): { start?: TLShape; end?: TLShape } {
  const ends: { start?: TLShape; end?: TLShape } = {}
  for (const b of editor.getBindingsFromShape(arrow, 'arrow')) {
    const terminal = (b.props as { terminal: 'start' | 'end' }).terminal
    ends[terminal] = editor.getShape(b.toId)
  }
  return ends
}
