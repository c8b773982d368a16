import { useT } from '../i18n/translate.ts'
import { useUserStore } from '../user/userStore.ts'

export function LanguageSwitch() {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const setLocale = useUserStore((s) => s.setLocale)
  const other = locale === 'it' ? 'en' : 'it'
  return (
    <button type="button" className="op-button op-button--quiet" lang={other} aria-label={t('lang.switch.label')} onClick={() => setLocale(other)}>
      {t('lang.switch')}
    </button>
  )
}
