import type { BaseRecord, RecordId } from '@tldraw/store'
import type { JsonObject } from '@tldraw/utils'
import { T } from '@tldraw/validate'
import { RELATION_COLORS, type ProcessTemplate } from './types.ts'

export const TEMPLATE_RECORD_ID = 'template:board' as RecordId<TemplateRecord>

/** A board's own copy of its process template, a document record like any other: edits sync live. */
export interface TemplateRecord extends BaseRecord<'template', RecordId<TemplateRecord>>, ProcessTemplate {
  meta: JsonObject
}

const text = (max: number) =>
  T.string.check((s) => {
    if (s.trim().length === 0) throw new Error('must not be empty')
    if (s.length > max) throw new Error(`at most ${max} characters`)
  })
const label = T.object({
  it: text(120),
  en: T.string
    .check((s) => {
      if (s.length > 120) throw new Error('at most 120 characters')
    })
    .optional(),
})
const id = T.string.check((s) => {
  if (!/^[a-z0-9][a-z0-9-]{0,47}$/.test(s)) throw new Error(`"${s}" is not an id (lowercase letters, digits, -)`)
})
const color = T.string.check((s) => {
  if (!/^#[0-9a-fA-F]{6}$/.test(s)) throw new Error(`"${s}" is not a colour like #1d70b8`)
})
function uniqueIds<V extends { id: string }>(item: T.Validator<V>, what: string) {
  return T.arrayOf(item).check((items) => {
    const ids = new Set(items.map((i) => i.id))
    if (ids.size !== items.length) throw new Error(`two ${what} share an id`)
    if (items.length > 200) throw new Error(`at most 200 ${what}`)
  })
}

export const templateRecordValidator: T.Validator<TemplateRecord> = T.object({
  id: T.string.check((s) => {
    if (s !== TEMPLATE_RECORD_ID) throw new Error(`a board's template is ${TEMPLATE_RECORD_ID}`)
  }) as unknown as T.Validator<RecordId<TemplateRecord>>,
  typeName: T.literal('template'),
  name: label,
  sectors: uniqueIds(T.object({ id, label, color }), 'sectors'),
  lines: uniqueIds(T.object({ id, label, color }), 'production lines'),
  elementKinds: uniqueIds(
    T.object({
      id,
      group: T.literalEnum('place', 'actor', 'governance', 'resource', 'need'),
      label,
      sector: T.string,
      icon: T.string.check((s) => {
        if (s.length > 40) throw new Error('icon name too long')
      }),
      color,
    }),
    'element kinds'
  ),
  relationTypes: uniqueIds(
    T.object({
      id,
      label,
      color: T.literalEnum(...RELATION_COLORS),
      dash: T.literalEnum('solid', 'dashed', 'dotted'),
      direction: T.literalEnum('directed', 'mutual', 'either'),
      commitment: T.boolean,
    }),
    'relation types'
  ),
  phases: uniqueIds(T.object({ id, number: T.positiveInteger, label, objective: label, question: label }), 'phases'),
  meta: T.jsonValue as T.Validator<JsonObject>,
})
