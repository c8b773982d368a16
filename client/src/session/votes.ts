import { MAX_DOTS, MAX_VOTE_TARGETS, type DotRecord, type VoteRecord } from '@opificio/shared'

/** The slice of a shape the choice of a vote's elements needs. */
export interface ShapeLike {
  id: string
  type: string
}

/** Shapes that hold elements rather than being one: a vote on them is a vote on what is inside. */
const CONTAINERS = new Set(['frame', 'group'])
/** Shapes nobody puts a dot on: connectors between elements. */
const NOT_VOTABLE = new Set(['arrow'])

/**
 * The elements a vote opened on this selection covers: each selected element, and for a selected
 * frame (or group) every element inside it, nested frames and groups included. Frames, groups
 * and arrows are not votable themselves. In selection order, each once.
 */
export function voteTargetsOf(selected: readonly ShapeLike[], childrenOf: (id: string) => readonly ShapeLike[]): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  const visit = (shape: ShapeLike) => {
    if (seen.has(shape.id)) return
    seen.add(shape.id)
    if (CONTAINERS.has(shape.type)) for (const child of childrenOf(shape.id)) visit(child)
    else if (!NOT_VOTABLE.has(shape.type)) out.push(shape.id)
  }
  for (const shape of selected) visit(shape)
  return out
}

/** Whether a set of targets can be sent as a vote: at least one, no more than the server takes. */
export function canOpenVoteOn(targets: readonly string[]): boolean {
  return targets.length > 0 && targets.length <= MAX_VOTE_TARGETS
}

/** The dots-per-person field as a number the server accepts, or null. */
export function dotsPerPerson(value: string): number | null {
  const n = Number(value.trim())
  return value.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= MAX_DOTS ? n : null
}

/** The vote that is running (open) or waiting for its reveal (closed); the open one first. */
export function currentVote(votes: readonly VoteRecord[]): VoteRecord | null {
  return votes.find((v) => v.state === 'open') ?? votes.find((v) => v.state === 'closed') ?? null
}

/** How many dots have been placed so far in a vote, by everyone: a total, never where. */
export function dotsPlaced(dots: readonly Pick<DotRecord, 'voteId'>[], voteId: string): number {
  let n = 0
  for (const d of dots) if (d.voteId === voteId) n++
  return n
}

/** One element's count in one revealed vote. */
export interface ShownResult {
  voteId: string
  count: number
}

/**
 * The counts every screen shows, by element: those of the revealed votes. An element that is in
 * the running vote shows no earlier count, so nobody votes looking at the last result.
 */
export function resultsByShape(votes: readonly VoteRecord[]): Map<string, ShownResult[]> {
  const running = new Set(votes.filter((v) => v.state !== 'revealed').flatMap((v) => v.targets))
  const out = new Map<string, ShownResult[]>()
  for (const vote of [...votes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (vote.state !== 'revealed' || !vote.results || vote.hidden) continue
    for (const [shapeId, count] of Object.entries(vote.results)) {
      if (running.has(shapeId)) continue
      const list = out.get(shapeId) ?? []
      list.push({ voteId: vote.id, count })
      out.set(shapeId, list)
    }
  }
  return out
}

/** This person's dots in a vote, as the server last told them; all still to place when it has not. */
export interface MyDots {
  mine: Record<string, number>
  left: number
}

export function myDotsIn(vote: Pick<VoteRecord, 'id' | 'dots'>, told: Record<string, MyDots>): MyDots {
  return told[vote.id] ?? { mine: {}, left: vote.dots }
}
