import { useEffect, useRef, useState } from 'react'
import type { Editor } from 'tldraw'
import { useT } from '../../i18n/translate.ts'
import { connectElements, isElement } from '../model/model.ts'
import { CONNECT_PICKER, focusCanvas, focusInspector, focusWhenShown, keyPlace } from './focus.ts'
import { keyAction, selectionKind, SHORTCUTS, type KeyAction } from './keys.ts'

function run(action: KeyAction, editor: Editor, openHelp: () => void, openPalette: () => void) {
  switch (action) {
    case 'help':
      return openHelp()
    case 'canvas':
      return focusCanvas(editor)
    case 'edit':
      return focusInspector(editor)
    case 'palette':
      openPalette()
      return focusWhenShown(() => document.querySelector<HTMLElement>('.op-palette__search'))
    case 'connect': {
      const [from, to] = editor.getSelectedShapes()
      // One element: the inspector asks what to connect it to. Two: first to second, as selected.
      if (!to) return focusInspector(editor, CONNECT_PICKER)
      if (!isElement(from) || !isElement(to)) return
      connectElements(editor, from, to)
      return focusInspector(editor)
    }
  }
}

/**
 * The diagram's keyboard: the shortcuts (listened for before tldraw's, so Enter and Escape can
 * move between the canvas and the inspector) and the dialog that lists them.
 */
export function KeyboardControls({ editor, editable, onOpenPalette }: { editor: Editor; editable: boolean; onOpenPalette(): void }) {
  const t = useT()
  const [open, setOpen] = useState(false)
  const dialog = useRef<HTMLDialogElement>(null)
  const openPalette = useRef(onOpenPalette)
  openPalette.current = onOpenPalette

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const selection = selectionKind(editor.getSelectedShapes())
      const action = keyAction(e, keyPlace(e.target, editor), selection, editable && !editor.getIsReadonly())
      if (!action) return
      e.preventDefault()
      e.stopPropagation()
      run(
        action,
        editor,
        () => setOpen(true),
        () => openPalette.current()
      )
    }
    window.addEventListener('keydown', onKeyDown, { capture: true })
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true })
  }, [editor, editable])

  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    if (!open) return
    dialog.current?.showModal()
    // The list is long: start at its top, not at the Close button below it.
    heading.current?.focus()
  }, [open])

  return (
    <>
      <button type="button" className="op-button op-tools__wide" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        {t('keys.open')}
      </button>
      {open && (
        <dialog ref={dialog} className="op-dialog op-keys" aria-labelledby="keys-title" onClose={() => setOpen(false)}>
          <h2 id="keys-title" ref={heading} tabIndex={-1}>
            {t('keys.title')}
          </h2>
          <p>{t('keys.intro')}</p>
          <table className="op-keys__table">
            <tbody>
              {SHORTCUTS.map((s) => (
                <tr key={s.what}>
                  <th scope="row">
                    <kbd>{t(s.keys)}</kbd>
                  </th>
                  <td>{t(s.what)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <form method="dialog">
            <button type="submit" className="op-button">
              {t('keys.close')}
            </button>
          </form>
        </dialog>
      )}
    </>
  )
}
