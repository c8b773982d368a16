import {
  defaultShapeUtils,
  Rectangle2d,
  type ShapeUtil,
  type TLAnyShapeUtilConstructor,
  type TLShape,
  type TLShapeErrorFallbackComponent,
} from 'tldraw'
import { useT } from '../i18n/translate.ts'

/*
 * tldraw catches an error in a shape's component, but not in what it computes from the shape's
 * props outside React: geometry (which measures labels), the hover and selection indicator, the
 * fonts to load, the text for screen readers. One shape whose props throw there (a label its rich
 * text renderer cannot read, a draw stroke whose encoded points are cut short) takes down the whole
 * canvas, for every viewer, on every load. Each shape util is wrapped so that such a shape gets a
 * plain box instead: it can still be seen, selected and deleted, and the rest of the board works.
 */

/** Side of a broken shape's box when the shape's own size is unusable too. */
const FALLBACK_SIDE = 120
const MAX_SIDE = 10_000

function brokenSize(shape: TLShape): { width: number; height: number } {
  const { w, h } = shape.props as { w?: unknown; h?: unknown }
  const side = (v: unknown) => (typeof v === 'number' && v > 0 && v <= MAX_SIDE ? v : FALLBACK_SIDE)
  return { width: side(w), height: side(h) }
}

function brokenOutline(shape: TLShape): Path2D {
  const { width, height } = brokenSize(shape)
  const path = new Path2D()
  path.rect(0, 0, width, height)
  return path
}

type AnyShapeUtil = ShapeUtil<TLShape>
type ShapeMethod = 'getGeometry' | 'getIndicatorPath' | 'getFontFaces' | 'getText' | 'getAriaDescriptor' | 'toSvg'

/** Replaces `name` on `proto` by the inherited one, answering `fallback(shape)` where it throws. */
function contain<K extends ShapeMethod>(proto: AnyShapeUtil, name: K, fallback: (shape: TLShape) => ReturnType<NonNullable<AnyShapeUtil[K]>>) {
  const inherited = proto[name] as ((shape: TLShape, ...rest: unknown[]) => unknown) | undefined
  if (!inherited) return
  const guarded = function (this: AnyShapeUtil, shape: TLShape, ...rest: unknown[]) {
    try {
      const result = inherited.call(this, shape, ...rest)
      return result instanceof Promise ? result.catch((): unknown => fallback(shape)) : result
    } catch {
      return fallback(shape)
    }
  }
  Object.defineProperty(proto, name, { value: guarded, writable: true, configurable: true })
}

/** The same shape util, with a plain box in place of whatever its shape's props make throw. */
export function containShapeErrors<T extends TLAnyShapeUtilConstructor>(Util: T): T {
  // A subclass, so that the guards below never touch tldraw's own classes.
  // (A mixin's base must be typed as taking any[].)
  const Contained = class extends (Util as unknown as new (...args: any[]) => object) {}
  const proto = Contained.prototype as AnyShapeUtil
  contain(proto, 'getGeometry', (shape) => new Rectangle2d({ ...brokenSize(shape), isFilled: true }))
  contain(proto, 'getIndicatorPath', brokenOutline)
  contain(proto, 'getFontFaces', () => [])
  contain(proto, 'getText', () => undefined)
  contain(proto, 'getAriaDescriptor', () => undefined)
  // An export of the board leaves out a shape that cannot draw itself rather than failing whole.
  contain(proto, 'toSvg', () => null)
  return Contained as unknown as T
}

/** tldraw's shapes and ours, each contained. */
export function containedShapeUtils(custom: readonly TLAnyShapeUtilConstructor[]): TLAnyShapeUtilConstructor[] {
  return [...defaultShapeUtils, ...custom].map(containShapeErrors)
}

const BROKEN_STYLE = {
  boxSizing: 'border-box',
  width: '100%',
  height: '100%',
  minWidth: 24,
  minHeight: 24,
  display: 'flex',
  alignItems: 'center',
  justifyContent: 'center',
  padding: 4,
  border: '2px dashed #c62828',
  background: 'rgba(198, 40, 40, 0.06)',
  color: '#c62828',
  font: '600 12px/1.2 system-ui, sans-serif',
  textAlign: 'center',
  overflow: 'hidden',
} as const

/** What a shape that cannot be drawn shows in its place, inside the box its geometry gave. */
export const BrokenShape: TLShapeErrorFallbackComponent = function BrokenShape() {
  const t = useT()
  return (
    <div className="op-broken-shape" style={BROKEN_STYLE} role="img" aria-label={t('shape.broken.label')} title={t('shape.broken.label')}>
      {t('shape.broken')}
    </div>
  )
}
