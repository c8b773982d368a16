import { useValue, type Editor } from 'tldraw'
import { boardTemplate, labelText } from '../diagram/model/model.ts'
import { useT } from '../i18n/translate.ts'
import { useUserStore } from '../user/userStore.ts'
import { sessionAccess } from './sessionRules.ts'
import { useSession } from './useSession.ts'
import { useConnectionStore } from '../connection/connectionStore.ts'

/** The current phase and its key question, next to the board's title, for everyone. */
export function PhaseBadge({ editor }: { editor: Editor }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const { phase } = useSession(editor)
  const current = useValue('current phase', () => (phase === null ? undefined : boardTemplate(editor).phases.find((p) => p.number === phase)), [
    editor,
    phase,
  ])
  if (phase === null) return null
  const label = current ? labelText(current.label, locale) : ''
  const question = current ? labelText(current.question, locale) : ''
  return (
    <p className="op-phase" data-phase={phase} title={question || undefined}>
      <strong className="op-phase__name">{t('session.phase.badge', { number: phase })}</strong>
      {label && <span className="op-phase__label">{label}</span>}
      {question && <span className="op-phase__question">{question}</span>}
    </p>
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
