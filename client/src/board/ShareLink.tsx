import type { BoardLinks, Role } from '@opificio/shared'
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react'
import type { StringKey } from '../i18n/strings.ts'
import { useT } from '../i18n/translate.ts'
import { fetchBoardView, openLink, rotateLink } from './boardApi.ts'
import { copyText } from './clipboard.ts'
import { roleUi, shareableLinks } from './roleUi.ts'

const LABEL: Record<Role, StringKey> = {
  facilitator: 'share.role.facilitator',
  participant: 'share.role.participant',
  projector: 'share.role.projector',
}
const HINT: Record<Role, StringKey> = {
  facilitator: 'share.hint.facilitator',
  participant: 'share.hint.participant',
  projector: 'share.hint.projector',
}

type Links = { status: 'loading' } | { status: 'error' } | { status: 'ready'; links: Partial<BoardLinks> }

/** The links this page's holder may pass on, asked of the server with the page's token. */
function useLinks(boardId: string, token: string) {
  const [links, setLinks] = useState<Links>({ status: 'loading' })
  const load = useCallback(async () => {
    setLinks((l) => (l.status === 'ready' ? l : { status: 'loading' }))
    const view = await fetchBoardView(boardId, token)
    setLinks((l) => (view.ok ? { status: 'ready', links: view.value.links } : l.status === 'ready' ? l : { status: 'error' }))
  }, [boardId, token])
  useEffect(() => {
    void load()
  }, [load])
  const replaced = (role: Role, link: string) =>
    setLinks((l) => (l.status === 'ready' ? { status: 'ready', links: { ...l.links, [role]: link } } : l))
  return { links, reload: load, replaced }
}

/**
 * Passing the board on, by role: a facilitator sees the three links, each copied or replaced; a
 * participant copies the participants' link; a projector has nothing to pass on.
 */
export function ShareLink({ boardId, token, role }: { boardId: string; token: string; role: Role | null }) {
  const ui = roleUi(role)
  if (ui.rotateLinks) return <SharePanel boardId={boardId} token={token} role={role} />
  if (ui.share.includes('participant')) return <CopyParticipantLink boardId={boardId} token={token} />
  return null
}

function CopyParticipantLink({ boardId, token }: { boardId: string; token: string }) {
  const t = useT()
  const { links } = useLinks(boardId, token)
  const [copied, setCopied] = useState(false)
  async function copy() {
    // This page was opened by the participants' link, so it is the fallback until the server's answer.
    const url = (links.status === 'ready' && links.links.participant) || window.location.href
    if (await copyText(url)) {
      setCopied(true)
      setTimeout(() => setCopied(false), 2000)
    } else window.prompt(t('board.share.label'), url)
  }
  return (
    <button type="button" className="op-button" aria-label={t('board.share.label')} onClick={copy}>
      {copied ? t('board.share.done') : t('board.share')}
    </button>
  )
}

function SharePanel({ boardId, token, role }: { boardId: string; token: string; role: Role | null }) {
  const t = useT()
  const [open, setOpen] = useState(false)
  const { links, reload, replaced } = useLinks(boardId, token)
  const dialog = useRef<HTMLDialogElement>(null)

  useEffect(() => {
    if (!open) return
    dialog.current?.showModal()
    // Another tab may have replaced a link meanwhile.
    void reload()
  }, [open, reload])

  return (
    <>
      <button type="button" className="op-button" aria-label={t('share.open.label')} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        {t('share.open')}
      </button>
      {open && (
        <dialog ref={dialog} className="op-dialog op-share" aria-labelledby="share-title" onClose={() => setOpen(false)}>
          <h2 id="share-title">{t('share.title')}</h2>
          <p>{t('share.body')}</p>
          {links.status === 'loading' && <p role="status">{t('share.loading')}</p>}
          {links.status === 'error' && (
            <p role="alert" className="op-error">
              {t('share.error')}{' '}
              <button type="button" className="op-button" onClick={() => void reload()}>
                {t('share.retry')}
              </button>
            </p>
          )}
          {links.status === 'ready' &&
            shareableLinks(role, links.links).map((link) => (
              <LinkRow
                key={link.role}
                linkRole={link.role}
                url={link.url}
                own={link.role === role}
                dialog={dialog}
                onRotate={async () => {
                  const result = await rotateLink(boardId, link.role, token)
                  if (!result.ok) return false
                  // This page's own token no longer works: reopen it with the new one.
                  if (link.role === role) openLink(result.value)
                  else replaced(link.role, result.value)
                  return true
                }}
              />
            ))}
          <form method="dialog">
            <button type="submit" className="op-button">
              {t('share.close')}
            </button>
          </form>
        </dialog>
      )}
    </>
  )
}

function LinkRow({
  linkRole,
  url,
  own,
  dialog,
  onRotate,
}: {
  linkRole: Role
  url: string
  /** The link this page was opened by. */
  own: boolean
  dialog: RefObject<HTMLDialogElement | null>
  onRotate(): Promise<boolean>
}) {
  const t = useT()
  const label = t(LABEL[linkRole])
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [rotation, setRotation] = useState<'busy' | 'done' | 'failed' | null>(null)
  const id = `share-${linkRole}`

  async function copy() {
    // Inside a modal dialog only the dialog is live: the fallback's hidden field goes there.
    const ok = await copyText(url, dialog.current ?? undefined)
    setCopied(ok ? 'yes' : 'failed')
    if (ok) setTimeout(() => setCopied(null), 2000)
  }

  async function rotate() {
    setRotation('busy')
    const ok = await onRotate()
    setRotation(ok ? 'done' : 'failed')
    if (ok) setConfirming(false)
  }

  return (
    <section className="op-share__row" aria-labelledby={`${id}-title`} data-role={linkRole}>
      <h3 id={`${id}-title`}>{label}</h3>
      <p className="op-share__hint">{t(HINT[linkRole])}</p>
      <div className="op-share__link">
        <input className="op-share__url" readOnly value={url} aria-label={label} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="op-button" aria-label={t('share.copy.label', { link: label })} onClick={copy}>
          {copied === 'yes' ? t('share.copied') : t('share.copy')}
        </button>
        <button
          type="button"
          className="op-button"
          aria-label={t('share.rotate.label', { link: label })}
          aria-expanded={confirming}
          disabled={rotation === 'busy'}
          onClick={() => {
            setConfirming(true)
            setRotation(null)
          }}
        >
          {t('share.rotate')}
        </button>
      </div>
      {copied === 'failed' && (
        <p role="alert" className="op-error">
          {t('share.copy.failed')}
        </p>
      )}
      {confirming && (
        <div className="op-share__confirm">
          <p>{t('share.rotate.confirm')}</p>
          {own && <p>{t('share.rotate.confirm.own')}</p>}
          <div className="op-share__actions">
            <button type="button" className="op-button op-button--primary" disabled={rotation === 'busy'} onClick={rotate}>
              {rotation === 'busy' ? t('share.rotate.busy') : t('share.rotate.do')}
            </button>
            <button type="button" className="op-button" disabled={rotation === 'busy'} onClick={() => setConfirming(false)}>
              {t('share.rotate.cancel')}
            </button>
          </div>
        </div>
      )}
      {rotation === 'failed' && (
        <p role="alert" className="op-error">
          {t('share.rotate.error')}
        </p>
      )}
      {rotation === 'done' && <p role="status">{t('share.rotate.done')}</p>}
    </section>
  )
}
