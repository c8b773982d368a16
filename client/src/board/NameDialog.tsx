import { useState, type FormEvent } from 'react'
import { PageHeader } from '../app/PageHeader.tsx'
import { SiteFooter } from '../app/SiteFooter.tsx'
import { useT } from '../i18n/translate.ts'
import { useUserStore } from '../user/userStore.ts'

/** Asked once per browser: a name is all a participant needs, no account. Says which board the link opens. */
export function NameDialog({ boardTitle }: { boardTitle?: string } = {}) {
  const t = useT()
  const setName = useUserStore((s) => s.setName)
  const [value, setValue] = useState('')

  function submit(e: FormEvent) {
    e.preventDefault()
    if (value.trim()) setName(value)
  }

  return (
    <div className="op-home">
      <PageHeader />
      <main className="op-home__main">
        <form className="op-card" onSubmit={submit} aria-labelledby="name-title">
          <h1 id="name-title">{t('name.title')}</h1>
          {boardTitle && <p className="op-name__board">{t('name.board', { title: boardTitle })}</p>}
          <p>{t('name.body')}</p>
          <label htmlFor="user-name">{t('name.label')}</label>
          <input
            id="user-name"
            name="name"
            // biome-ignore lint/a11y/noAutofocus: the page's one question; the cursor goes where the person types
            autoFocus
            maxLength={40}
            autoComplete="given-name"
            placeholder={t('name.placeholder')}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
          <button className="op-button op-button--primary" type="submit" disabled={!value.trim()}>
            {t('name.submit')}
          </button>
        </form>
      </main>
      <SiteFooter />
    </div>
  )
}
