import { useT } from '../i18n/translate.ts'
import { LanguageSwitch } from './LanguageSwitch.tsx'

/** The header of the pages around the board: the name of the product and the language switch. */
export function PageHeader() {
  const t = useT()
  return (
    <header className="op-home__header">
      <span className="op-logo">{t('app.name')}</span>
      <LanguageSwitch />
    </header>
  )
}
