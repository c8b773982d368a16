import { type FormEvent, useState } from 'react'
import { useT } from '../i18n/translate.ts'
import { importBoard } from '../snapshots/snapshotApi.ts'
import { tokenOfLink, useMyBoards } from './myBoards.ts'

/** A `.tldr` file (exported by a board, or saved by tldraw.com) is too big to be anything else. */
const MAX_FILE_BYTES = 96 * 1024 * 1024

/**
 * "Importa una lavagna": a `.tldr` file becomes a new board, opened as its facilitator. Importing is
 * a facilitator's act: the page uses the link of a board this device facilitates, or asks for one.
 */
export function ImportBoard() {
  const t = useT()
  const boards = useMyBoards((s) => s.boards)
  const [file, setFile] = useState<File | null>(null)
  const [pasted, setPasted] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const known = boards.map((b) => tokenOfLink(b.link)).filter((x): x is string => x !== null)
  const tokens = [...(tokenOfLink(pasted) ? [tokenOfLink(pasted) as string] : []), ...known]

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (!file) return
    if (file.size > MAX_FILE_BYTES) return setFailure(t('import.error.tooBig'))
    setBusy(true)
    setFailure(null)
    // A remembered link may have been replaced since: the next one is tried.
    for (const token of tokens) {
      const answer = await importBoard(file, token)
      if (answer.ok) {
        useMyBoards.getState().remember({ id: answer.value.id, title: answer.value.title, link: answer.value.links.facilitator })
        return window.location.assign(answer.value.links.facilitator)
      }
      if (answer.status === 400) {
        setBusy(false)
        return setFailure(t('import.error.file', { reason: answer.error.replace(/^not a board file: /, '') }))
      }
      if (answer.status === 429) {
        setBusy(false)
        return setFailure(t('home.create.error.tooMany'))
      }
    }
    setBusy(false)
    setFailure(t('import.error.token'))
  }

  return (
    <form className="op-card" onSubmit={submit}>
      <h2>{t('import.title')}</h2>
      <label htmlFor="import-file">{t('import.file')}</label>
      <input id="import-file" type="file" accept=".tldr,application/json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      {known.length === 0 && (
        <>
          <label htmlFor="import-link">{t('import.link')}</label>
          <input id="import-link" value={pasted} placeholder="https://…/b/…#…" onChange={(e) => setPasted(e.target.value)} />
        </>
      )}
      <button className="op-button op-button--primary" type="submit" disabled={busy || !file || tokens.length === 0}>
        {busy ? t('import.busy') : t('import.submit')}
      </button>
      {failure && (
        <p role="alert" className="op-error">
          {failure}
        </p>
      )}
    </form>
  )
}

/** The boards this device facilitates, to open again or forget. */
export function MyBoards() {
  const t = useT()
  const boards = useMyBoards((s) => s.boards)
  const forget = useMyBoards((s) => s.forget)
  if (boards.length === 0) return null
  return (
    <section className="op-card" aria-labelledby="my-boards-title">
      <h2 id="my-boards-title">{t('myBoards.title')}</h2>
      <ul className="op-my-boards">
        {boards.map((b) => (
          <li key={b.id}>
            <a href={b.link}>{b.title}</a>{' '}
            <button
              type="button"
              className="op-button op-button--quiet"
              aria-label={t('myBoards.forget.label', { title: b.title })}
              onClick={() => forget(b.id)}
            >
              {t('myBoards.forget')}
            </button>
          </li>
        ))}
      </ul>
      <p className="op-session__note">{t('myBoards.note')}</p>
    </section>
  )
}
