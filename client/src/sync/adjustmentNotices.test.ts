import { describe, expect, it } from 'vitest'
import { translate } from '../i18n/translate.ts'
import { adjustmentNotices } from './adjustmentNotices.ts'

describe('notices for adjusted changes', () => {
  it('counts each kind once, says nothing of dissolved groups, and reads in both languages', () => {
    const notices = adjustmentNotices([
      { id: 'shape:a', what: 'reparented', reason: 'parent-removed' },
      { id: 'shape:b', what: 'reparented', reason: 'parent-removed' },
      { id: 'shape:arrow', what: 'unbound', reason: 'target-removed' },
      { id: 'shape:c', what: 'dropped', reason: 'record-removed' },
      { id: 'shape:g', what: 'removed', reason: 'group-emptied' },
      { id: 'shape:d', what: 'reparented', reason: 'group-emptied' },
    ])
    expect(notices).toEqual([
      { key: 'notice.adjusted.kept', vars: { count: 2 } },
      { key: 'notice.adjusted.unbound.one', vars: { count: 1 } },
      { key: 'notice.adjusted.gone.one', vars: { count: 1 } },
    ])
    expect(translate('it', notices[0].key, notices[0].vars)).toMatch(/^2 elementi sono rimasti/)
    expect(translate('en', notices[1].key, notices[1].vars)).toMatch(/^An arrow came loose/)
  })
})
