import { useValue, type Editor } from 'tldraw'
import { boardTemplate, labelText } from '../diagram/model/model.ts'
import { useT } from '../i18n/translate.ts'
import { useUserStore } from '../user/userStore.ts'
import { sessionAccess } from './sessionRules.ts'
import { useSession } from './useSession.ts'
import { useConnectionStore } from '../connection/connectionStore.ts'
import { goToPhase } from '../board/camera.ts'
import { phaseTarget } from './phaseTargets.ts'

/**
 * The current phase and its key question, next to the board's title, for everyone; and a button
 * per phase whose frames are on the board, that brings them into view in one tap (on a phone,
 * panning there takes several two-finger gestures).
 */
export function PhaseBadge({ editor }: { editor: Editor }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const { phase } = useSession(editor)
  const phases = useValue('phases', () => boardTemplate(editor).phases, [editor])
  // A string, so editing the board re-renders the badge only when a phase's frames come or go.
  const reachable = useValue(
    'phases on the board',
    () =>
      phases
        .filter((p) => phaseTarget(editor, p.number))
        .map((p) => p.number)
        .join(' '),
    [editor, phases]
  )
  const current = phases.find((p) => p.number === phase)
  const label = current ? labelText(current.label, locale) : ''
  const question = current ? labelText(current.question, locale) : ''
  return (
    <>
      {phase !== null && (
        <p className="op-phase" data-phase={phase} title={question || undefined}>
          <strong className="op-phase__name">{t('session.phase.badge', { number: phase })}</strong>
          {label && <span className="op-phase__label">{label}</span>}
          {question && <span className="op-phase__question">{question}</span>}
        </p>
      )}
      {reachable && (
        <nav className="op-phase-go" aria-label={t('phase.go.label')}>
          <span className="op-phase-go__label" aria-hidden="true">
            {t('phase.go')}
          </span>
          {phases
            .filter((p) => reachable.split(' ').includes(String(p.number)))
            .map((p) => {
              const name = t('phase.go.one', { number: p.number, label: labelText(p.label, locale) })
              return (
                <button
                  key={p.id}
                  type="button"
                  className="op-phase-go__button"
                  data-phase={p.number}
                  aria-current={p.number === phase ? 'step' : undefined}
                  aria-label={name}
                  title={name}
                  onClick={() => goToPhase(editor, p.number)}
                >
                  {p.number}
                </button>
              )
            })}
        </nav>
      )}
    </>
  )
}

/** Participants are told why nothing they do sticks once the facilitator has closed the session. */
export function EndedBanner({ editor }: { editor: Editor }) {
  const t = useT()
  const role = useConnectionStore((s) => s.role)
  const session = useSession(editor)
  if (!sessionAccess(role, session).endedBanner) return null
  return (
    <div className="op-ended" role="status">
      {t('session.ended.banner')}
    </div>
  )
}
