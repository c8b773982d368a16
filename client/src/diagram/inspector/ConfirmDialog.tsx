import { useEffect, useId, useRef } from 'react'
import { createPortal } from 'react-dom'

/**
 * A yes/no question before something is lost. Rendered on the page's body, outside tldraw's
 * container, whose Escape handling would otherwise keep the dialog from closing. Focus starts on
 * the harmless answer, and goes back where it was when the dialog goes.
 */
export function ConfirmDialog({
  title,
  body,
  confirm,
  cancel,
  onConfirm,
  onCancel,
}: {
  title: string
  body: string
  confirm: string
  cancel: string
  onConfirm(): void
  onCancel(): void
}) {
  const dialog = useRef<HTMLDialogElement>(null)
  const keep = useRef<HTMLButtonElement>(null)
  const id = useId()
  useEffect(() => {
    const before = document.activeElement
    const shown = dialog.current
    shown?.showModal()
    keep.current?.focus()
    return () => {
      shown?.close()
      if (before instanceof HTMLElement && before.isConnected) before.focus()
    }
  }, [])
  return createPortal(
    <dialog
      ref={dialog}
      className="op-dialog op-confirm"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(e) => {
        e.preventDefault()
        onCancel()
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <p id={`${id}-body`}>{body}</p>
      <div className="op-confirm__actions">
        <button ref={keep} type="button" className="op-button" onClick={onCancel}>
          {cancel}
        </button>
        <button type="button" className="op-button op-button--primary" onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </dialog>,
    document.body
  )
}
