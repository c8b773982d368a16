import type { DotRecord, VoteRecord } from '@opificio/shared'
import { useMemo } from 'react'
import { stopEventPropagation, useEditor, useValue, type Editor, type TLShapeId } from 'tldraw'
import { useConnectionStore } from '../connection/connectionStore.ts'
import { useT } from '../i18n/translate.ts'
import { sendBallot, useVoteLink } from './voteStore.ts'
import { currentVote, dotsPlaced, myDotsIn, resultsByShape, type ShownResult } from './votes.ts'

/** The board's votes, read from the store; re-renders when the server writes one. */
export function useVotes(editor: Editor): VoteRecord[] {
  const $votes = useMemo(() => editor.store.query.records('vote' as never), [editor])
  return useValue('votes', () => $votes.get() as unknown as VoteRecord[], [$votes])
}

/** How many dots the vote holds so far, by everyone: the sealed dot records, counted. */
export function useDotsPlaced(editor: Editor, voteId: string | null): number {
  const $dots = useMemo(() => editor.store.query.records('dot' as never), [editor])
  return useValue('dots placed', () => (voteId ? dotsPlaced($dots.get() as unknown as DotRecord[], voteId) : 0), [$dots, voteId])
}

/** One name per dot of a person's on an element: the dots are alike, their names only count them. */
const dotNames = (n: number) => Array.from({ length: n }, (_, i) => `dot-${i + 1}`)

interface Spot {
  id: string
  /** Where on the canvas (viewport px): the element's top-right corner, for its count. */
  right: number
  top: number
  /** Where its dot control goes: the middle of its bottom edge, kept clear of tldraw's bars; null when off screen. */
  control: { x: number; y: number } | null
  name: string
}

/** Room tldraw's menus (top) and toolbars (bottom, a phone's two rows) take over the canvas (px). */
export const SAFE_TOP = 56
export const SAFE_BOTTOM = 104

/**
 * Where an element's dot control goes, given its box on a `w`×`h` canvas: under the middle of
 * its bottom edge, so its name stays readable; moved up or down to stay out of tldraw's bars
 * while any of the element is between them; nowhere when none of it is.
 */
export function controlSpot(box: { minX: number; minY: number; maxX: number; maxY: number }, w: number, h: number) {
  const low = h - SAFE_BOTTOM
  if (box.maxX < 0 || box.minX > w || box.maxY < SAFE_TOP || box.minY > low || low <= SAFE_TOP) return null
  return { x: (box.minX + box.maxX) / 2, y: Math.min(Math.max(box.maxY, SAFE_TOP), low) }
}

/** Where each of `ids` is on this screen, for those on the current page. */
function useSpots(editor: Editor, ids: string[]): Spot[] {
  const key = ids.join(' ')
  return useValue('vote spots', () => {
    const page = editor.getCurrentPageId()
    const screen = editor.getViewportScreenBounds()
    const spots: Spot[] = []
    for (const id of key ? key.split(' ') : []) {
      const shape = editor.getShape(id as TLShapeId)
      if (!shape || editor.getAncestorPageId(shape) !== page) continue
      const b = editor.getShapePageBounds(shape)
      if (!b) continue
      const tl = editor.pageToViewport({ x: b.minX, y: b.minY })
      const br = editor.pageToViewport({ x: b.maxX, y: b.maxY })
      let name = ''
      try {
        name = (editor.getShapeUtil(shape).getText(shape) ?? '').split('\n')[0].slice(0, 60)
      } catch {
        // A shape whose text cannot be read is still voted on, by its place.
      }
      const control = controlSpot({ minX: tl.x, minY: tl.y, maxX: br.x, maxY: br.y }, screen.w, screen.h)
      spots.push({ id, right: br.x, top: tl.y, control, name })
    }
    return spots
  }, [editor, key])
}

/**
 * Dot voting on the canvas. While a vote is open, each of its elements gets a dot control for
 * whoever votes here (`canVote`): + places one of their dots, − takes one back, and their own
 * dots show between the two (the server tells them, to them alone); a line at the top says how
 * many dots are left. Nobody's counts show until the facilitator reveals them; then each
 * element shows its count, on every screen, the projector's too, for as long as the board keeps it.
 */
export function VoteLayer({ editor, canVote }: { editor: Editor; canVote: boolean }) {
  const t = useT()
  const votes = useVotes(editor)
  const vote = currentVote(votes)
  const results = useMemo(() => resultsByShape(votes), [votes])
  const told = useVoteLink((s) => s.told)
  const online = useConnectionStore((s) => s.sync.connection === 'online')
  const voting = vote?.state === 'open' && canVote && online
  const targets = voting ? vote.targets : []
  const targetSpots = useSpots(editor, targets)
  const resultIds = useMemo(() => [...results.keys()], [results])
  const resultSpots = useSpots(editor, resultIds)
  const my = vote ? myDotsIn(vote, told) : null

  return (
    <div className="op-vote-layer" data-vote={vote?.state ?? 'none'}>
      {vote && (
        <p className="op-vote-status" role="status" aria-live="polite">
          {vote.state === 'closed' ? (
            t('vote.banner.closed')
          ) : !voting || !my ? (
            t('vote.banner.watch')
          ) : (
            <>
              <span>{t('vote.banner.open')}</span>
              <strong className="op-vote-status__left" data-left={my.left}>
                {my.left === 0 ? t('vote.left.none') : my.left === 1 ? t('vote.left.one') : t('vote.left', { count: my.left })}
              </strong>
            </>
          )}
        </p>
      )}
      {voting &&
        my &&
        targetSpots.map((spot) => {
          if (!spot.control) return null
          const mine = my.mine[spot.id] ?? 0
          const named = (what: string) => (spot.name ? `${what}: ${spot.name}` : what)
          return (
            <div
              key={spot.id}
              className="op-vote-control"
              data-target={spot.id}
              data-mine={mine}
              style={{ left: spot.control.x, top: spot.control.y }}
              // A tap on the control, a disabled button included, is not a tap on the canvas below.
              onPointerDown={stopEventPropagation}
            >
              <button
                type="button"
                className="op-vote-control__remove"
                aria-label={named(t('vote.remove'))}
                title={t('vote.remove')}
                disabled={mine === 0}
                onClick={() => sendBallot({ voteId: vote.id, target: spot.id, op: 'remove' })}
              >
                −
              </button>
              <span className="op-vote-control__mine" role="img" aria-label={t('vote.mine', { count: mine })}>
                {dotNames(mine).map((name) => (
                  <span key={name} className="op-vote-dot" />
                ))}
              </span>
              <button
                type="button"
                className="op-vote-control__add"
                aria-label={named(t('vote.add'))}
                title={t('vote.add')}
                disabled={my.left === 0}
                onClick={() => sendBallot({ voteId: vote.id, target: spot.id, op: 'add' })}
              >
                +
              </button>
            </div>
          )
        })}
      {resultSpots.map((spot) => (
        <ResultBadge key={spot.id} spot={spot} results={results.get(spot.id) ?? []} />
      ))}
    </div>
  )
}

function ResultBadge({ spot, results }: { spot: Spot; results: ShownResult[] }) {
  const t = useT()
  return (
    <div className="op-vote-results" data-target={spot.id} style={{ left: spot.right, top: spot.top }}>
      {results.map((r) => (
        <span
          key={r.voteId}
          className="op-vote-result"
          data-count={r.count}
          role="img"
          aria-label={r.count === 1 ? t('vote.result.one') : t('vote.result', { count: r.count })}
        >
          <span className="op-vote-dot" aria-hidden="true" />
          {r.count}
        </span>
      ))}
    </div>
  )
}

/**
 * The vote layer in tldraw's InFrontOfTheCanvas slot: over the shapes, under tldraw's own menus
 * and toolbar, so a control near the screen's edge never covers them. Whoever may change the board
 * here votes (a facilitator, a participant while the session is open); a projector only watches.
 */
export function VoteCanvasLayer() {
  const editor = useEditor()
  const role = useConnectionStore((s) => s.role)
  const readonly = useValue('readonly', () => editor.getInstanceState().isReadonly, [editor])
  return <VoteLayer editor={editor} canVote={(role === 'facilitator' || role === 'participant') && !readonly} />
}
