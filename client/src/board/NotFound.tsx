import { useT } from '../i18n/translate.ts'

export function NotFound() {
  const t = useT()
  return (
    <div className="op-home">
      <main className="op-home__main">
        <div className="op-card">
          <h1>{t('board.notFound.title')}</h1>
          <p>{t('board.notFound.body')}</p>
          <a className="op-button op-button--primary" href="/">
            {t('board.notFound.home')}
          </a>
        </div>
      </main>
    </div>
  )
}
