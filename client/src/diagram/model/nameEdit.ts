/** A message from the canvas to the inspector, through a window event: the two never hold each other. */
const EDIT_NAME = 'opificio:edit-name'

/** Double-clicking an element asks the inspector to put the cursor in its name field. */
export function requestNameEdit(id: string) {
  window.dispatchEvent(new CustomEvent(EDIT_NAME, { detail: id }))
}

export function onNameEditRequest(handler: (id: string) => void): () => void {
  const listener = (e: Event) => handler((e as CustomEvent<string>).detail)
  window.addEventListener(EDIT_NAME, listener)
  return () => window.removeEventListener(EDIT_NAME, listener)
}
