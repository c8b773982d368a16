import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** One dot this node placed for a voter: which record holds it, and on what. */
interface PlacedDot {
  dotId: string
  target: string
}

/**
 * The dots of a board's votes while they are open. A dot goes into the board sealed (AES-256-GCM
 * with the board's seal key, a fresh nonce each), in the server's name: the board holds how many
 * dots there are, never where or whose. Who placed which dot lives only here, in this process's
 * memory, so a person can take their own dots back; it is never stored, and it is gone with the
 * reveal or a restart.
 */
export class VoteBox {
  private readonly placed = new Map<string, Map<string, PlacedDot[]>>()

  constructor(private readonly key: Buffer) {}

  seal(target: string): string {
    const nonce = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce)
    const body = Buffer.concat([cipher.update(target, 'utf8'), cipher.final()])
    return Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url')
  }

  /** The element a sealed dot is on, or null when it cannot be opened (another key, damage). */
  open(sealed: string): string | null {
    try {
      const bytes = Buffer.from(sealed, 'base64url')
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12))
      decipher.setAuthTag(bytes.subarray(12, 28))
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')
    } catch {
      return null
    }
  }

  /** This voter's dots in a vote, by element. */
  mine(voteId: string, voter: string): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const dot of this.placed.get(voteId)?.get(voter) ?? []) counts[dot.target] = (counts[dot.target] ?? 0) + 1
    return counts
  }

  count(voteId: string, voter: string): number {
    return this.placed.get(voteId)?.get(voter)?.length ?? 0
  }

  remember(voteId: string, voter: string, dot: PlacedDot) {
    let voters = this.placed.get(voteId)
    if (!voters) this.placed.set(voteId, (voters = new Map()))
    voters.set(voter, [...(voters.get(voter) ?? []), dot])
  }

  /** Takes back the voter's latest dot on `target`; its record id, or null when they have none there. */
  takeBack(voteId: string, voter: string, target: string): string | null {
    const dots = this.placed.get(voteId)?.get(voter) ?? []
    const at = dots.findLastIndex((d) => d.target === target)
    if (at < 0) return null
    const [dot] = dots.splice(at, 1)
    return dot.dotId
  }

  /** The vote is counted: who voted for what is forgotten here too. */
  forget(voteId: string) {
    this.placed.delete(voteId)
  }
}
