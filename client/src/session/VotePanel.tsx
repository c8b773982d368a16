import { MAX_DOTS, MAX_VOTE_TARGETS, type ControlMessage } from '@opificio/shared'
import { useState } from 'react'
import { useValue, type Editor, type TLShape } from 'tldraw'
import { useT } from '../i18n/translate.ts'
import { useDotsPlaced, useVotes } from './VoteLayer.tsx'
import { canOpenVoteOn, currentVote, dotsPerPerson, voteTargetsOf } from './votes.ts'

/** The elements a vote opened now would cover: the selected ones, and those inside a selected frame. */
export function selectedVoteTargets(editor: Editor): string[] {
  const childrenOf = (id: string) =>
    editor
      .getSortedChildIdsForParent(id as TLShape['id'])
      .map((c) => editor.getShape(c))
      .filter((s): s is TLShape => !!s)
  return voteTargetsOf(editor.getSelectedShapes(), childrenOf)
}

/**
 * The Sessione panel's dot vote: open one on the selection with N dots per person; while it runs,
 * how many dots are placed (a total: where they are is sealed until the reveal), close it, reveal.
 */
export function VotePanel({ editor, disabled, send }: { editor: Editor; disabled: boolean; send(message: ControlMessage): void }) {
  const t = useT()
  const votes = useVotes(editor)
  const vote = currentVote(votes)
  const revealed = votes.filter((v) => v.state === 'revealed')
  const shown = revealed.filter((v) => !v.hidden)
  const placed = useDotsPlaced(editor, vote?.id ?? null)
  const targets = useValue('vote targets', () => selectedVoteTargets(editor), [editor])
  const [dotsField, setDotsField] = useState('3')
  const dots = dotsPerPerson(dotsField)
  const ok = canOpenVoteOn(targets)

  return (
    <fieldset className="op-session__group op-session__vote" disabled={disabled}>
      <legend>{t('vote.title')}</legend>
      {!vote ? (
        <>
          <div className="op-session__row">
            <label className="op-session__vote-dots">
              <span>{t('vote.dots')}</span>
              <input
                className="op-session__vote-dots-input"
                type="number"
                min={1}
                max={MAX_DOTS}
                step={1}
                inputMode="numeric"
                value={dotsField}
                onChange={(e) => setDotsField(e.target.value)}
              />
            </label>
            <button
              type="button"
              className="op-button op-button--primary"
              disabled={!ok || dots === null}
              onClick={() => ok && dots !== null && send({ action: 'vote-open', targets, dots })}
            >
              {t('vote.open')}
            </button>
          </div>
          <p className="op-session__note" data-vote-targets={targets.length}>
            {targets.length === 0
              ? t('vote.targets.none')
              : targets.length > MAX_VOTE_TARGETS
                ? t('vote.targets.many', { max: MAX_VOTE_TARGETS })
                : t('vote.targets', { count: targets.length })}
          </p>
          {dots === null && <p className="op-session__note">{t('vote.dots.invalid', { max: MAX_DOTS })}</p>}
          {revealed.length > 0 && (
            <button
              type="button"
              className="op-button"
              data-testid="vote-results-toggle"
              onClick={() => {
                const hide = shown.length > 0
                for (const v of hide ? shown : revealed) send({ action: 'vote-results', voteId: v.id, shown: !hide })
              }}
            >
              {shown.length > 0 ? t('vote.results.hide') : t('vote.results.show')}
            </button>
          )}
        </>
      ) : (
        <>
          <p className="op-session__note">
            {vote.state === 'open' ? t('vote.state.open', { count: vote.targets.length, dots: vote.dots }) : t('vote.state.closed')}
          </p>
          <p className="op-session__vote-placed" data-placed={placed}>
            {t('vote.placed', { count: placed })}
          </p>
          <div className="op-session__row">
            {vote.state === 'open' && (
              <button type="button" className="op-button" onClick={() => send({ action: 'vote-close', voteId: vote.id })}>
                {t('vote.close')}
              </button>
            )}
            <button type="button" className="op-button op-button--primary" onClick={() => send({ action: 'vote-reveal', voteId: vote.id })}>
              {t('vote.reveal')}
            </button>
          </div>
        </>
      )}
    </fieldset>
  )
}
