import { currentRelationStyle } from '@opificio/shared'
import type { ArrowShapeUtil, SvgExportContext, TLAnyShapeUtilConstructor, TLArrowShape } from 'tldraw'
import { createElement } from 'react'
import { InView } from '../shapes/InView.tsx'
import { describeRelation } from './describe.ts'

/** Each arrow record as drawn (records are never changed in place). */
const drawn = new WeakMap<TLArrowShape, TLArrowShape>()

/**
 * The arrow as it is drawn: a relation still in the old default style of its type (a board made
 * before the contrast fix) in the current one. The stored arrow is left as it is.
 */
export function drawnArrow(shape: TLArrowShape): TLArrowShape {
  let arrow = drawn.get(shape)
  if (!arrow) {
    const style = currentRelationStyle((shape.meta as { relation?: unknown }).relation, shape.props)
    arrow = style === shape.props ? shape : { ...shape, props: style }
    drawn.set(shape, arrow)
  }
  return arrow
}

/**
 * The board's shape utils with tldraw's arrow taught to say which relation it is (the selection
 * announcer reads a shape's aria descriptor, and a bare arrow would only be "Freccia"), to draw
 * an old board's faint relation styles in the current contrasting ones, on screen and in exports
 * alike, and to draw nothing while out of view.
 */
export function withRelationDescriptions(utils: readonly TLAnyShapeUtilConstructor[]): TLAnyShapeUtilConstructor[] {
  return utils.map((Util) => {
    if (Util.type !== 'arrow') return Util
    const Arrow = Util as typeof ArrowShapeUtil
    return class RelationArrowShapeUtil extends Arrow {
      override getAriaDescriptor(shape: TLArrowShape) {
        // Like every shape util here, a malformed shape must not take the announcer down with it.
        try {
          return describeRelation(this.editor, shape)
        } catch {
          return super.getAriaDescriptor(shape)
        }
      }

      override component(shape: TLArrowShape) {
        return createElement(InView, { editor: this.editor, id: shape.id, draw: () => super.component(drawnArrow(shape)) })
      }

      override toSvg(shape: TLArrowShape, ctx: SvgExportContext) {
        return super.toSvg(drawnArrow(shape), ctx)
      }
    }
  })
}
