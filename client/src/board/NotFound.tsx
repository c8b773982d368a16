import { PageHeader } from '../app/PageHeader.tsx'
import type { StringKey } from '../i18n/strings.ts'
import { useT } from '../i18n/translate.ts'

/** A board page that cannot open a board: why, and the way home. */
function DeadEnd({ title, body }: { title: StringKey; body: StringKey }) {
  const t = useT()
  return (
    <div className="op-home">
      <PageHeader />
      <main className="op-home__main">
        <div className="op-card">
          <h1>{t(title)}</h1>
          <p>{t(body)}</p>
          <a className="op-button op-button--primary" href="/">
            {t('board.notFound.home')}
          </a>
        </div>
      </main>
    </div>
  )
}

/** The link opens no board: no such board, or not its token (the server does not tell them apart). */
export function NotFound() {
  return <DeadEnd title="board.notFound.title" body="board.notFound.body" />
}

/** The link has no token in its fragment: nothing to connect with, so no connection is tried. */
export function LinkIncomplete() {
  return <DeadEnd title="board.linkIncomplete.title" body="board.linkIncomplete.body" />
}
