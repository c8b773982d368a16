import { useState, type FormEvent } from 'react'
import { PageHeader } from '../app/PageHeader.tsx'
import { useT } from '../i18n/translate.ts'

export function HomePage() {
  const t = useT()
  const [title, setTitle] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function create(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const res = await fetch('/api/boards', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title }),
      })
      const body = (await res.json()) as { links?: { participant: string }; error?: string }
      if (!res.ok || !body.links) throw new Error(body.error ?? String(res.status))
      window.location.assign(body.links.participant)
    } catch (err) {
      setError(t('home.create.error', { reason: (err as Error).message }))
      setBusy(false)
    }
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
          {error && (
            <p role="alert" className="op-error">
              {error}
            </p>
          )}
        </form>
      </main>
    </div>
  )
}
