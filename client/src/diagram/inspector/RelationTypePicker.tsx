import type { RelationType } from '@opificio/shared'
import { useRef, useState, type KeyboardEvent } from 'react'
import { useT } from '../../i18n/translate.ts'
import { useUserStore } from '../../user/userStore.ts'
import { rovingTarget } from '../keyboard/keys.ts'
import { labelText } from '../model/model.ts'
import { RelationSwatch } from '../shapes/RelationSwatch.tsx'

/**
 * The relation types as one radio group, one Tab stop: the arrow keys move between types and
 * Space or Enter chooses. Choosing on focus would retype a shared relation at every key press.
 */
export function RelationTypePicker({
  types,
  value,
  onChoose,
}: {
  types: readonly RelationType[]
  value?: string
  onChoose(type: RelationType): void
}) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const [focused, setFocused] = useState<string | null>(null)
  const buttons = useRef(new Map<string, HTMLButtonElement>())
  const stop = focused ?? (types.some((r) => r.id === value) ? value : types[0]?.id)

  const onKeyDown = (index: number) => (e: KeyboardEvent) => {
    const next = rovingTarget(e.key, index, types.length)
    if (next === null) return
    e.preventDefault()
    buttons.current.get(types[next].id)?.focus()
  }

  return (
    <fieldset className="op-field">
      <legend>{t('inspector.relationType')}</legend>
      <div
        className="op-relation-types"
        role="radiogroup"
        aria-label={t('inspector.relationType')}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget)) setFocused(null)
        }}
      >
        {types.map((r, index) => (
          // biome-ignore lint/a11y/useSemanticElements: a swatch of the relation's line is the choice; a native radio cannot show it
          <button
            key={r.id}
            ref={(el) => {
              if (el) buttons.current.set(r.id, el)
              else buttons.current.delete(r.id)
            }}
            type="button"
            role="radio"
            aria-checked={r.id === value}
            tabIndex={r.id === stop ? 0 : -1}
            data-inspector-primary={r.id === stop ? '' : undefined}
            className="op-relation-type"
            data-relation={r.id}
            onFocus={() => setFocused(r.id)}
            onKeyDown={onKeyDown(index)}
            onClick={() => onChoose(r)}
          >
            <RelationSwatch type={r} />
            {labelText(r.label, locale)}
          </button>
        ))}
      </div>
    </fieldset>
  )
}
