import { useEffect } from 'react'
import { refusalText } from '../i18n/refusalText.ts'
import { useT } from '../i18n/translate.ts'
import { useUserStore } from '../user/userStore.ts'
import { useConnectionStore, type Notice } from './connectionStore.ts'

const NOTICE_MS = 8000

function NoticeItem({ notice }: { notice: Notice }) {
  const t = useT()
  const locale = useUserStore((s) => s.locale)
  const dismiss = useConnectionStore((s) => s.dismissNotice)
  const vars = notice.refusal ? { ...notice.vars, reason: refusalText(notice.refusal, locale) } : notice.vars
  useEffect(() => {
    const timer = setTimeout(() => dismiss(notice.id), NOTICE_MS)
    return () => clearTimeout(timer)
  }, [notice.id, dismiss])
  return (
    <div className={`op-notice op-notice--${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
      <span>{t(notice.text, vars)}</span>
      <button type="button" className="op-button op-button--quiet" onClick={() => dismiss(notice.id)}>
        {t('notice.dismiss')}
      </button>
    </div>
  )
}

/** Changes the server refused (and that were rolled back here), and edits restored after a reload, said once each. */
export function Notices() {
  const notices = useConnectionStore((s) => s.notices)
  return (
    <div className="op-notices">
      {notices.map((n) => (
        <NoticeItem key={n.id} notice={n} />
      ))}
    </div>
  )
}
