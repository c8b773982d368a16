import { TITLE_MAX, type CreatedBoard } from '@opificio/shared'
import { useState, type FormEvent } from 'react'
import { PageHeader } from '../app/PageHeader.tsx'
import { SiteFooter } from '../app/SiteFooter.tsx'
import { useT } from '../i18n/translate.ts'
import { ImportBoard, MyBoards } from './ImportBoard.tsx'
import { useMyBoards } from './myBoards.ts'

export function HomePage() {
  const t = useT()
  const [title, setTitle] = useState('')
  const [busy, setBusy] = useState(false)
  /** Why creating failed: the HTTP status, or 0 when no answer came. Worded when shown, so it follows the language. */
  const [failure, setFailure] = useState<number | null>(null)

  async function create(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setFailure(null)
    try {
      const res = await fetch('/api/boards', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title }),
      })
      // The server's error text is English for developers: the page says the status in the user's words.
      const body = res.ok ? ((await res.json().catch(() => ({}))) as Partial<CreatedBoard>) : {}
      // Whoever creates the board facilitates it: its link (absolute, token in the fragment) opens it.
      if (res.ok && body.id && body.title && body.links?.facilitator) {
        useMyBoards.getState().remember({ id: body.id, title: body.title, link: body.links.facilitator })
        return window.location.assign(body.links.facilitator)
      }
      setFailure(res.status)
    } catch {
      setFailure(0)
    }
    setBusy(false)
  }

  return (
    <div className="op-home">
      <PageHeader />
      <main className="op-home__main">
        <h1>{t('app.tagline')}</h1>
        <p className="op-home__intro">{t('home.intro')}</p>
        <form className="op-card" onSubmit={create}>
          <h2>{t('home.create.title')}</h2>
          <label htmlFor="board-title">{t('home.create.label')}</label>
          <input
            id="board-title"
            name="title"
            value={title}
            maxLength={120}
            required
            placeholder={t('home.create.placeholder')}
            onChange={(e) => setTitle(e.target.value)}
          />
          <button className="op-button op-button--primary" type="submit" disabled={busy || title.trim() === ''}>
            {busy ? t('home.create.busy') : t('home.create.submit')}
          </button>
          {failure !== null && (
            <p role="alert" className="op-error">
              {failure === 429
                ? t('home.create.error.tooMany')
                : failure === 400
                  ? t('home.create.error.badTitle', { max: TITLE_MAX })
                  : t('home.create.error')}
            </p>
          )}
        </form>
        <MyBoards />
        <ImportBoard />
      </main>
      <SiteFooter />
    </div>
  )
}
