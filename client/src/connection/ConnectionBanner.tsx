import { isStringKey } from '../i18n/strings.ts'
import { useT } from '../i18n/translate.ts'
import { useConnectionStore } from './connectionStore.ts'

/** Says, in words, whether what you do is reaching the others. */
export function ConnectionBanner() {
  const t = useT()
  const { connection, unconfirmed, savingPaused, pauseReason, fatalCode } = useConnectionStore((s) => s.sync)
  let text: string | null = null
  let tone = 'info'
  if (connection === 'offline') {
    text =
      unconfirmed === 0
        ? t('status.offline')
        : unconfirmed === 1
          ? t('status.offline.pending.one')
          : t('status.offline.pending', { count: unconfirmed })
    tone = 'warn'
  } else if (connection === 'connecting') text = t('status.connecting')
  else if (connection === 'reload') {
    text = t('fatal.reload')
    tone = 'error'
  } else if (connection === 'error') {
    // The server's own words never reach the screen: only its code, said in the user's language.
    const key = `fatal.${fatalCode}`
    text = t(isStringKey(key) ? key : 'status.error')
    tone = 'error'
  } else if (savingPaused) {
    text = t(pauseReason === 'slow-down' ? 'status.slowDown' : 'status.savingPaused')
    tone = 'warn'
  }

  return (
    <div className="op-banner-slot" role="status" aria-live="polite">
      {text && (
        <div className={`op-banner op-banner--${tone}`} data-connection={connection}>
          {text}
          {/* A replaced link opens nothing any more: reloading it would not help. */}
          {(connection === 'reload' || connection === 'error') && fatalCode !== 'link-replaced' && (
            <button type="button" className="op-button" onClick={() => window.location.reload()}>
              {t('status.reload.button')}
            </button>
          )}
        </div>
      )}
    </div>
  )
}
