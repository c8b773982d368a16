import { useState } from 'react'
import { useT } from '../i18n/translate.ts'

export function ShareLink() {
  const t = useT()
  const [copied, setCopied] = useState(false)
  async function copy() {
    await navigator.clipboard?.writeText(window.location.href).catch(() => undefined)
    setCopied(true)
    setTimeout(() => setCopied(false), 2000)
  }
  return (
    <button type="button" className="op-button" aria-label={t('board.share.label')} onClick={copy}>
      {copied ? t('board.share.done') : t('board.share')}
    </button>
  )
}
