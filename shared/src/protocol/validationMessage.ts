/** A validator's error as a person reads it: tldraw's validators nest "Error: " inside their paths. */
export function validationMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.replace(/\b(?:Error|ValidationError): /g, '')
}
