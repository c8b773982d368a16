import type { AckEntry, Adjustment, ChangeEntry, RejectedEntry, NoopEntry, Refusal, WireEntry } from '@opificio/shared'
import type { LogEntry } from '../../storage/types.ts'

/** An entry of the log as the fold left it: what it said of it, and what sending it costs. */
export interface FoldedEntry {
  entry: LogEntry
  /** Why the fold refused it: it stays in the log as a no-op. */
  refusal?: Refusal
  /** What the fold changed or left out of it, for its author. */
  adjusted?: Adjustment[]
  /** The entry's diff as JSON, roughly. */
  bytes: number
}

/** The entry as one client sees it: its own push acknowledged or refused, or somebody else's change. */
export function wireEntry(folded: FoldedEntry, writerId: string): WireEntry {
  return folded.entry.clientId === writerId ? ownEntry(folded) : sharedEntry(folded)
}

/** The entry as its author sees it: its push acknowledged, or refused by the fold. */
export function ownEntry({ entry, refusal, adjusted }: FoldedEntry): AckEntry | RejectedEntry {
  if (refusal) return { kind: 'rejected', offset: entry.offset, seq: entry.seq, refusal }
  return adjusted ? { kind: 'ack', offset: entry.offset, seq: entry.seq, adjusted } : { kind: 'ack', offset: entry.offset, seq: entry.seq }
}

/** The entry as every client but its author sees it. */
export function sharedEntry({ entry, refusal }: FoldedEntry): ChangeEntry | NoopEntry {
  return refusal ? { kind: 'noop', offset: entry.offset } : { kind: 'change', offset: entry.offset, diff: entry.diff }
}

export interface CatchUpOptions {
  /** How many entries a reconnecting client may be behind and still get entries, not the whole board. */
  window: number
  /**
   * The most bytes of entries a reconnecting client is sent; past it, the whole document is
   * cheaper (and is shared by every welcome at that offset).
   */
  bytes: number
}

/** How many adjusted or refused entries a room keeps for their authors' whole-document welcomes. */
const TOLD_KEPT = 256

/**
 * What a client joining or coming back is sent: the entries it missed while they are few and
 * small, otherwise the whole document, encoded once per offset however many clients join.
 */
export class CatchUp {
  private readonly recent: FoldedEntry[] = []
  /** The last entries the fold adjusted or refused, whoever wrote them, far beyond the window. */
  private readonly told: FoldedEntry[] = []
  private recentBytes = 0
  private document: { offset: number; json: Uint8Array } | null = null

  constructor(private readonly opts: CatchUpOptions) {}

  remember(folded: FoldedEntry) {
    this.recent.push(folded)
    this.recentBytes += folded.bytes
    this.trim()
    if (!folded.refusal && !folded.adjusted) return
    this.told.push(folded)
    if (this.told.length > TOLD_KEPT) this.told.shift()
  }

  /**
   * What the fold adjusted or refused of `writerId`'s entries, of those still kept: a whole
   * document settles their pushes without acks, and the client tells its person from these.
   */
  toldTo(writerId: string): (AckEntry | RejectedEntry)[] {
    return this.told.filter((f) => f.entry.clientId === writerId).map(ownEntry)
  }

  /** After a reload from storage: nothing before it can be replayed. */
  forget() {
    this.recent.length = 0
    this.told.length = 0
    this.recentBytes = 0
    this.document = null
  }

  /**
   * What a client at `lastOffset` missed, or null when the document is all it can be sent.
   * `boardBytes` caps the entries: past the document's own size, the document is cheaper.
   */
  entriesAfter(lastOffset: number, offset: number, boardBytes: number): FoldedEntry[] | null {
    const firstRecent = this.recent[0]?.entry.offset ?? offset + 1
    if (lastOffset > offset || lastOffset < firstRecent - 1) return null
    const missed = this.recent.slice(lastOffset - firstRecent + 1)
    let bytes = 0
    for (const r of missed) if ((bytes += r.bytes) > Math.min(this.opts.bytes, boardBytes)) return null
    return missed
  }

  documentJson(offset: number, encode: () => Uint8Array): Uint8Array {
    if (this.document?.offset !== offset) this.document = { offset, json: encode() }
    return this.document.json
  }

  /** Keeps the window bounded in count and in bytes, trimming in steps rather than every entry. */
  private trim() {
    if (this.recent.length <= this.opts.window * 1.5 && this.recentBytes <= this.opts.bytes * 2) return
    let drop = Math.max(0, this.recent.length - this.opts.window)
    let bytes = this.recentBytes
    for (let i = 0; i < drop; i++) bytes -= this.recent[i].bytes
    while (bytes > this.opts.bytes && drop < this.recent.length) bytes -= this.recent[drop++].bytes
    this.recent.splice(0, drop)
    this.recentBytes = bytes
  }
}
