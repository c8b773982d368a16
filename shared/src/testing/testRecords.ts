import { createShapeId, InstancePresenceRecordType, type TLShapeId } from '@tldraw/tlschema'
import type { UnknownRecord } from '@tldraw/store'
import { FIRST_PAGE_ID } from '../schema/schema.ts'

/** Minimal valid records for tests on either side. */
export function geoShape(id: string, over: Record<string, unknown> = {}, props: Record<string, unknown> = {}): UnknownRecord {
  return {
    id: id.startsWith('shape:') ? id : createShapeId(id),
    typeName: 'shape',
    type: 'geo',
    x: 0,
    y: 0,
    rotation: 0,
    index: 'a1',
    parentId: FIRST_PAGE_ID,
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      geo: 'rectangle',
      w: 100,
      h: 80,
      color: 'black',
      labelColor: 'black',
      fill: 'none',
      dash: 'draw',
      size: 'm',
      font: 'draw',
      align: 'middle',
      verticalAlign: 'middle',
      growY: 0,
      url: '',
      scale: 1,
      flipX: false,
      flipY: false,
      richText: { type: 'doc', content: [{ type: 'paragraph' }] },
      ...props,
    },
    ...over,
  } as unknown as UnknownRecord
}

export function arrowShape(id: string, over: Record<string, unknown> = {}): UnknownRecord {
  return {
    id: id.startsWith('shape:') ? id : createShapeId(id),
    typeName: 'shape',
    type: 'arrow',
    x: 0,
    y: 0,
    rotation: 0,
    index: 'a2',
    parentId: FIRST_PAGE_ID,
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      kind: 'arc',
      dash: 'draw',
      size: 'm',
      fill: 'none',
      color: 'black',
      labelColor: 'black',
      bend: 0,
      start: { x: 0, y: 0 },
      end: { x: 100, y: 0 },
      arrowheadStart: 'none',
      arrowheadEnd: 'arrow',
      richText: { type: 'doc', content: [{ type: 'paragraph' }] },
      labelPosition: 0.5,
      font: 'draw',
      scale: 1,
      elbowMidPoint: 0.5,
    },
    ...over,
  } as unknown as UnknownRecord
}

export function arrowBinding(id: string, arrowId: string, targetId: string, terminal: 'start' | 'end'): UnknownRecord {
  return {
    id: `binding:${id}`,
    typeName: 'binding',
    type: 'arrow',
    fromId: arrowId as TLShapeId,
    toId: targetId as TLShapeId,
    meta: {},
    props: { terminal, normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' },
  } as unknown as UnknownRecord
}

export function presenceRecord(name: string, cursor = { x: 10, y: 20 }): UnknownRecord {
  return InstancePresenceRecordType.create({
    id: InstancePresenceRecordType.createId(name),
    userId: `user:${name}` as never,
    userName: name,
    currentPageId: FIRST_PAGE_ID,
    cursor: { ...cursor, type: 'default', rotation: 0 },
  }) as unknown as UnknownRecord
}

/** An element card (the diagram's custom shape) with `props` over empty defaults. */
export function elementShape(id: string, props: Record<string, unknown>, parentId = 'page:page'): UnknownRecord {
  return {
    ...geoShape(id, { type: 'element', parentId }),
    props: { w: 200, h: 120, kind: 'cittadino', name: '', sector: '', lines: [], notes: '', ...props },
  } as unknown as UnknownRecord
}

/** A relation: an arrow bound at both ends (or only at its start when `to` is undefined), with its relation meta. */
export function relationShapes(id: string, from: string, to: string | undefined, meta: Record<string, unknown> = {}): UnknownRecord[] {
  const arrowId = `shape:${id}`
  const bindings = [arrowBinding(`${id}-start`, arrowId, `shape:${from}`, 'start')]
  if (to !== undefined) bindings.push(arrowBinding(`${id}-end`, arrowId, `shape:${to}`, 'end'))
  return [arrowShape(id, { meta }), ...bindings]
}
