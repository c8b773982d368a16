import { useEffect, useMemo, useState } from 'react'
import { renderSVG } from 'uqr'
import { fetchBoardView } from '../board/boardApi.ts'
import { useT } from '../i18n/translate.ts'
import { joinText } from './projectorView.ts'

/** Written whole up to this many characters: the bottom of a 1920-pixel screen in large monospace. */
const FULL_LINK_CHARS = 90

/** How often the code asks whether the participants' link was replaced. */
const REFRESH_MS = 60_000

export type JoinLink = { status: 'loading' } | { status: 'missing' } | { status: 'ready'; url: string }

/** The participants' link, asked of the server with the projector's own token (it may show it). */
export function useParticipantLink(boardId: string, token: string): JoinLink {
  const [link, setLink] = useState<JoinLink>({ status: 'loading' })
  useEffect(() => {
    let cancelled = false
    let retry: ReturnType<typeof setTimeout> | undefined
    const load = async (attempt: number) => {
      const view = await fetchBoardView(boardId, token)
      if (cancelled) return
      if (view.ok) {
        setLink(view.value.links.participant ? { status: 'ready', url: view.value.links.participant } : { status: 'missing' })
        // The facilitator may replace the participants' link during the session: the code follows.
        retry = setTimeout(() => void load(0), REFRESH_MS)
      }
      // No answer (the server restarting, the network down): ask again, less and less often.
      else if (view.status === 0) retry = setTimeout(() => void load(attempt + 1), Math.min(30_000, 1000 * 2 ** attempt))
      else setLink({ status: 'missing' })
    }
    void load(0)
    return () => {
      cancelled = true
      clearTimeout(retry)
    }
  }, [boardId, token])
  return link
}

/** The QR code: it holds the whole participants' link, whose token is the key to come in. */
export function JoinQr({ link }: { link: JoinLink }) {
  const t = useT()
  const url = link.status === 'ready' ? link.url : null
  // Generated here, from the link alone: nothing leaves the page.
  const qr = useMemo(() => (url ? `data:image/svg+xml;utf8,${encodeURIComponent(renderSVG(url, { ecc: 'M', border: 2 }))}` : null), [url])
  return (
    <section className="op-projector__join" aria-labelledby="projector-join-title">
      <h2 id="projector-join-title">{t('projector.join.title')}</h2>
      {link.status === 'loading' && <p role="status">{t('projector.join.loading')}</p>}
      {link.status === 'missing' && <p>{t('projector.join.missing')}</p>}
      {qr && <img className="op-projector__qr" src={qr} alt={t('projector.join.qr')} />}
    </section>
  )
}

/**
 * The link written out for those who cannot scan: whole when it fits, otherwise only the site it
 * leads to, saying that the code is the way in (an address without its token opens nothing).
 */
export function JoinAddress({ link }: { link: JoinLink }) {
  const t = useT()
  if (link.status !== 'ready') return null
  const text = joinText(link.url, FULL_LINK_CHARS)
  return (
    <p className="op-projector__address" data-kind={text.kind}>
      <span className="op-projector__address-hint">{t(text.kind === 'full' ? 'projector.join.full' : 'projector.join.scan')}</span>
      {text.text && <span className="op-projector__url">{text.text}</span>}
    </p>
  )
}
