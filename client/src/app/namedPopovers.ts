import { useEffect } from 'react'
import type { Editor } from 'tldraw'

/**
 * tldraw's popovers (on a phone, the one holding the inspector) are dialogs without a name, and
 * tldraw takes no prop for one (axe: aria-dialog-name, WCAG 4.1.2). Each gets its trigger's name.
 * Radix portals them straight into tldraw's container, so watching its children is enough.
 */
export function useNamedPopovers(editor: Editor | null) {
  useEffect(() => {
    if (!editor) return
    const container = editor.getContainer()
    const name = () => {
      for (const dialog of container.querySelectorAll<HTMLElement>('[role="dialog"][id]:not([aria-label]):not([aria-labelledby])')) {
        const trigger = container.querySelector<HTMLElement>(`[aria-controls="${CSS.escape(dialog.id)}"]`)
        const label = trigger?.getAttribute('aria-label') || trigger?.getAttribute('title')
        if (label) dialog.setAttribute('aria-label', label)
      }
    }
    name()
    const observer = new MutationObserver(name)
    observer.observe(container, { childList: true })
    return () => observer.disconnect()
  }, [editor])
}
