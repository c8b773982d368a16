import type { SnapshotInfo } from '@opificio/shared'
import { describe, expect, it } from 'vitest'
import { groupSnapshots, inOrder } from './snapshotLabels.ts'

const snap = (id: string, kind: SnapshotInfo['kind'], phase: number | null, createdAt: string): SnapshotInfo => ({
  id,
  kind,
  phase,
  title: id,
  note: '',
  createdAt,
  createdBy: '',
})

describe('the snapshot list', () => {
  it('groups by phase in order, newest first in each, then those outside a phase, then the automatic ones', () => {
    const groups = groupSnapshots([
      snap('auto-1', 'auto', null, '2026-12-06T09:00:00Z'),
      snap('f2', 'phase', 2, '2026-12-06T11:00:00Z'),
      snap('f1a', 'phase', 1, '2026-12-06T09:30:00Z'),
      snap('f1b', 'phase', 1, '2026-12-06T10:00:00Z'),
      snap('undo', 'before-restore', null, '2026-12-06T10:30:00Z'),
      snap('auto-2', 'auto', null, '2026-12-06T10:40:00Z'),
    ])
    expect(groups.map((g) => [g.key, g.snapshots.map((s) => s.id)])).toEqual([
      ['phase-1', ['f1b', 'f1a']],
      ['phase-2', ['f2']],
      ['none', ['undo']],
      ['auto', ['auto-2', 'auto-1']],
    ])
  })

  it('compares from the older to the newer, whichever was picked first', () => {
    const a = snap('a', 'phase', 1, '2026-12-06T09:00:00Z')
    const b = snap('b', 'phase', 2, '2026-12-06T10:00:00Z')
    expect(inOrder(b, a)).toEqual([a, b])
    expect(inOrder(a, b)).toEqual([a, b])
  })
})
