import type { ArrowShapeUtil, TLAnyShapeUtilConstructor, TLArrowShape } from 'tldraw'
import { describeRelation } from './describe.ts'

/**
 * The board's shape utils with tldraw's arrow taught to say which relation it is: the selection
 * announcer reads a shape's aria descriptor, and a bare arrow would only be "Freccia".
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
    }
  })
}
