import type { Summon } from '@opificio/shared'

/**
 * The summons this page has seen since it loaded. The one standing when the page opens is only
 * noted: a page opened late does not jump to where the facilitator took everyone an hour ago.
 * Each later summon, by its number, is followed once (also one that came while offline).
 */
export class SeenSummons {
  private readonly seen = new Set<number>()

  constructor(standing: Summon | null) {
    if (standing) this.seen.add(standing.n)
  }

  /** The summon to follow now, if `summon` is one this page has not seen; null otherwise. */
  take(summon: Summon | null): Summon | null {
    if (!summon || this.seen.has(summon.n)) return null
    this.seen.add(summon.n)
    return summon
  }
}
