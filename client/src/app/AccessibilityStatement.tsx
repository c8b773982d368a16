import { useEffect } from 'react'
import type { StringKey } from '../i18n/strings.ts'
import { useT } from '../i18n/translate.ts'
import { useUserStore } from '../user/userStore.ts'
import { FEEDBACK_CONTACTS } from './accessibilityContacts.ts'
import { PageHeader } from './PageHeader.tsx'

export const STATEMENT_PATH = '/accessibilita'
/** When the statement was last assessed: it dates the statement and the boards that predate its colours. */
const ASSESSED = new Date('2026-12-07T12:00:00Z')

const CONFORMS: StringKey[] = ['a11y.conforms.pages', 'a11y.conforms.controls', 'a11y.conforms.contrast', 'a11y.conforms.labels', 'a11y.conforms.axe']
const ISSUES: StringKey[] = ['a11y.issue.canvas', 'a11y.issue.tldraw', 'a11y.issue.oldBoards', 'a11y.issue.pdf']

/** The dichiarazione di accessibilità, in the sections of AgID's model. */
export function AccessibilityStatement() {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const date = ASSESSED.toLocaleDateString(locale === 'it' ? 'it-IT' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' })
  const title = t('a11y.title')
  useEffect(() => {
    document.title = `${title} · Opificio`
  }, [title])
  return (
    <div className="op-home">
      <PageHeader />
      <main className="op-home__main op-statement">
        <h1>{title}</h1>
        <p>{t('a11y.intro', { url: window.location.origin })}</p>
        <h2>{t('a11y.status.title')}</h2>
        <p>{t('a11y.status.body')}</p>
        <p>{t('a11y.status.conforms')}</p>
        <ul>
          {CONFORMS.map((key) => (
            <li key={key}>{t(key)}</li>
          ))}
        </ul>
        <h2>{t('a11y.content.title')}</h2>
        <p>{t('a11y.content.intro')}</p>
        <ul>
          {ISSUES.map((key) => (
            <li key={key}>{t(key, { date })}</li>
          ))}
        </ul>
        <h3>{t('a11y.exempt.title')}</h3>
        <p>{t('a11y.exempt.body')}</p>
        <h2>{t('a11y.drafting.title')}</h2>
        <p>{t('a11y.drafting.body', { date })}</p>
        <h2>{t('a11y.feedback.title')}</h2>
        <p>{t('a11y.feedback.body', { body: FEEDBACK_CONTACTS.body })}</p>
        <ul>
          {FEEDBACK_CONTACTS.email && (
            <li>
              {t('a11y.feedback.email')} <a href={`mailto:${FEEDBACK_CONTACTS.email}`}>{FEEDBACK_CONTACTS.email}</a>
            </li>
          )}
          <li>
            <a href={FEEDBACK_CONTACTS.urpPage}>{t('a11y.feedback.link', { body: FEEDBACK_CONTACTS.body })}</a>
          </li>
        </ul>
        <h2>{t('a11y.procedure.title')}</h2>
        <p>
          {t('a11y.procedure.body')} <a href={FEEDBACK_CONTACTS.agidForm}>{t('a11y.procedure.link')}</a>
        </p>
        <p>
          <a href="/">{t('a11y.home')}</a>
        </p>
      </main>
    </div>
  )
}
