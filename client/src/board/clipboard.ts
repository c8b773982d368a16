/**
 * Copies text, true when it worked. The Clipboard API exists only in secure contexts (HTTPS,
 * localhost): on a plain-HTTP local network the old way is tried, through a hidden field in
 * `container` (inside an open modal dialog, only the dialog takes a selection).
 */
export async function copyText(text: string, container: HTMLElement = document.body): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // No Clipboard API here, or the browser said no: try the old way.
  }
  const field = document.createElement('textarea')
  field.value = text
  field.setAttribute('readonly', '')
  field.style.position = 'fixed'
  field.style.opacity = '0'
  container.append(field)
  field.select()
  try {
    return document.execCommand('copy')
  } catch {
    return false
  } finally {
    field.remove()
  }
}
