import { useEffect } from 'react'
import { useT } from '../i18n/translate.ts'
import { useConnectionStore, type Notice } from './connectionStore.ts'

const NOTICE_MS = 8000

function NoticeItem({ notice }: { notice: Notice }) {
  const t = useT()
  const dismiss = useConnectionStore((s) => s.dismissNotice)
  useEffect(() => {
    const timer = setTimeout(() => dismiss(notice.id), NOTICE_MS)
    return () => clearTimeout(timer)
  }, [notice.id, dismiss])
  return (
    <div className={`op-notice op-notice--${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
      <span>{t(notice.text, notice.vars)}</span>
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
