import type { SnapshotInfo } from '@opificio/shared'

/** The groups of the snapshot list: one per phase, then those outside a phase, then the automatic ones. */
export interface SnapshotGroup {
  key: string
  phase: number | null
  auto: boolean
  snapshots: SnapshotInfo[]
}

/** Phases in order, newest snapshot first inside each; the automatic history last, newest first. */
export function groupSnapshots(list: readonly SnapshotInfo[]): SnapshotGroup[] {
  const newestFirst = [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? 1 : -1))
  const groups = new Map<string, SnapshotGroup>()
  for (const s of newestFirst) {
    const auto = s.kind === 'auto'
    const key = auto ? 'auto' : s.phase === null ? 'none' : `phase-${s.phase}`
    let group = groups.get(key)
    if (!group) groups.set(key, (group = { key, phase: auto ? null : s.phase, auto, snapshots: [] }))
    group.snapshots.push(s)
  }
  const order = (g: SnapshotGroup) => (g.auto ? 2e9 : g.phase === null ? 1e9 : g.phase)
  return [...groups.values()].sort((a, b) => order(a) - order(b))
}

/** Of two snapshots, which came first: a comparison reads from the older to the newer. */
export function inOrder(a: SnapshotInfo, b: SnapshotInfo): [SnapshotInfo, SnapshotInfo] {
  return a.createdAt <= b.createdAt ? [a, b] : [b, a]
}
