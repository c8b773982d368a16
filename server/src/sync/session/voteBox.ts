import type { DotRecord } from '@opificio/shared'
import type { UnknownRecord } from '@tldraw/store'
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'

/** What a sealed dot says once opened: its element, and the vote's pseudonym of whoever placed it. */
interface OpenedDot {
  voteId: string
  target: string
  /** Null for a dot sealed before dots carried a pseudonym: counted, but nobody's to take back. */
  voter: string | null
}

/** One of a voter's dots: which record holds it, and on what. */
export interface VoterDot {
  dotId: string
  target: string
}

/**
 * The dots of a board's votes. A dot goes into the board sealed (AES-256-GCM with the board's
 * seal key, a fresh nonce each), in the server's name: the board holds how many dots there are,
 * never where or whose. Inside the seal, next to the element, is the voter's pseudonym for that
 * vote: an HMAC, under the seal key, of the vote and a digest of the key the voter's tab holds.
 * That key is never stored, so nothing stored, even opened with the seal key, links a dot to a
 * person or to their edits, or one vote's dots to another's; yet any node, after any restart,
 * can tell a returning voter which dots are theirs, and hold them to the vote's limit.
 */
export class VoteBox {
  /** Opened dots by record id: a dot never changes, so each is opened once. */
  private readonly opened = new Map<string, OpenedDot>()
  /** Dots this room wrote or removed that the fold has not reached yet, with the offset that will bring them. */
  private readonly ahead = new Map<string, { dot: DotRecord | null; offset: number }>()

  constructor(private readonly key: Buffer) {}

  pseudonym(voteId: string, voterKey: string): string {
    return createHmac('sha256', this.key).update(`voter\0${voteId}\0${voterKey}`).digest('base64url').slice(0, 22)
  }

  seal(target: string, voter: string): string {
    const nonce = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce)
    const body = Buffer.concat([cipher.update(JSON.stringify({ t: target, v: voter }), 'utf8'), cipher.final()])
    return Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url')
  }

  /** What a sealed dot says, or null when it cannot be opened (another key, damage). */
  open(dot: DotRecord): OpenedDot | null {
    const known = this.opened.get(dot.id)
    if (known !== undefined) return known
    const opened = this.unseal(dot)
    if (opened) this.opened.set(dot.id, opened)
    return opened
  }

  private unseal(dot: DotRecord): OpenedDot | null {
    let text: string
    try {
      const bytes = Buffer.from(dot.sealed, 'base64url')
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12))
      decipher.setAuthTag(bytes.subarray(12, 28))
      text = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')
    } catch {
      return null
    }
    if (!text.startsWith('{')) return { voteId: dot.voteId, target: text, voter: null }
    try {
      const { t, v } = JSON.parse(text) as { t: unknown; v: unknown }
      return typeof t === 'string' && typeof v === 'string' ? { voteId: dot.voteId, target: t, voter: v } : null
    } catch {
      return null
    }
  }

  /** A dot this room has stored, or removed, before the fold reaches `offset`. */
  wrote(dotId: string, dot: DotRecord | null, offset: number) {
    this.ahead.set(dotId, { dot, offset })
  }

  /** The board's dots in a vote: as folded at `foldedOffset`, with what this room wrote since. */
  private dotsIn(voteId: string, records: Iterable<UnknownRecord>, foldedOffset: number): DotRecord[] {
    const dots = new Map<string, DotRecord>()
    for (const r of records) if (r.typeName === 'dot' && (r as DotRecord).voteId === voteId) dots.set(r.id, r as DotRecord)
    for (const [id, { dot, offset }] of this.ahead) {
      if (offset <= foldedOffset) this.ahead.delete(id)
      else if (dot === null) dots.delete(id)
      else if (dot.voteId === voteId) dots.set(id, dot)
    }
    return [...dots.values()]
  }

  /** A voter's dots in a vote, oldest first as the board lists them. */
  dotsOf(voteId: string, voter: string, records: Iterable<UnknownRecord>, foldedOffset: number): VoterDot[] {
    const mine: VoterDot[] = []
    for (const dot of this.dotsIn(voteId, records, foldedOffset)) {
      const opened = this.open(dot)
      if (opened?.voter === voter) mine.push({ dotId: dot.id, target: opened.target })
    }
    return mine
  }

  /** The count: dots per element of `targets`, and how many dots could not be counted. */
  tally(voteId: string, targets: string[], dots: DotRecord[]): { results: Record<string, number>; unreadable: number } {
    const results: Record<string, number> = Object.fromEntries(targets.map((t) => [t, 0]))
    let unreadable = 0
    for (const dot of dots) {
      const target = this.open(dot)?.target
      if (target !== undefined && target in results) results[target]++
      else unreadable++
    }
    this.forget(voteId)
    return { results, unreadable }
  }

  /** The vote is counted: nothing of its dots stays in memory. */
  private forget(voteId: string) {
    for (const [id, opened] of this.opened) if (opened.voteId === voteId) this.opened.delete(id)
  }
}
