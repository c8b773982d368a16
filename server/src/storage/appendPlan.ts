import { type LogEntry, type Push, UnstorableEntryError } from './types.ts'

/**
 * The plan of a group appended in one step (contract rule S13), the same on every engine that
 * plans in process: each push that is not a repeat (of a stored seq or of an earlier one in the
 * group) gets the next offset and is prepared (encoded, copied) before any is stored, so one that
 * cannot be leaves neither a hole nor its companions stored without it. Null for a repeat.
 */
export function planAppends<P>(
  tag: string,
  pushes: Push[],
  offset: number,
  storedSeqs: Map<string, number>,
  prepare: (entry: LogEntry, previousSeq: number | undefined) => P
): Array<P | null> {
  const seqs = new Map<string, number>()
  return pushes.map((push) => {
    const previousSeq = seqs.get(push.clientId) ?? storedSeqs.get(push.clientId)
    if (previousSeq !== undefined && push.seq <= previousSeq) return null
    seqs.set(push.clientId, push.seq)
    try {
      return prepare({ offset: ++offset, clientId: push.clientId, seq: push.seq, diff: push.diff }, previousSeq)
    } catch (error) {
      throw new UnstorableEntryError(`board ${tag}: this change cannot be stored: ${(error as Error).message}`)
    }
  })
}
