import type { Adjustment } from '@opificio/shared'
import type { StringKey } from '../i18n/strings.ts'

export interface AdjustmentNotice {
  key: StringKey
  vars: { count: number }
}

type Kind = 'kept' | 'unbound' | 'gone' | 'cycle'

/**
 * What to tell a user whose change the fold had to adjust, one notice per kind, counted. A group
 * dissolved because it was left with one shape or none is what the editor itself does: no notice.
 */
export function adjustmentNotices(adjustments: Adjustment[]): AdjustmentNotice[] {
  const counts = new Map<Kind, number>()
  for (const a of adjustments) {
    const kind: Kind | null =
      a.reason === 'group-emptied'
        ? null
        : a.what === 'reparented'
          ? 'kept'
          : a.what === 'unbound'
            ? 'unbound'
            : a.reason === 'cycle'
              ? 'cycle'
              : 'gone'
    if (kind) counts.set(kind, (counts.get(kind) ?? 0) + 1)
  }
  return [...counts].map(([kind, count]) => ({
    key: (count === 1 ? `notice.adjusted.${kind}.one` : `notice.adjusted.${kind}`) as StringKey,
    vars: { count },
  }))
}
