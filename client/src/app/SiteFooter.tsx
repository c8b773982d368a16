import { useT } from '../i18n/translate.ts'
import { STATEMENT_PATH } from './AccessibilityStatement.tsx'

/** The link every page owes to its accessibility statement (AgID guidelines); slim on the board. */
export function SiteFooter({ compact = false }: { compact?: boolean }) {
  const t = useT()
  return (
    <footer className={`op-footer${compact ? ' op-footer--compact' : ''}`}>
      <a href={STATEMENT_PATH}>{t('footer.a11y')}</a>
    </footer>
  )
}
