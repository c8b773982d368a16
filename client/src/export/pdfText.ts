import fontkit from '@pdf-lib/fontkit'
import type { Locale } from '../i18n/strings.ts'

/** "6 dicembre 2026" / "6 December 2026": the way an official document dates itself. */
export function formatPdfDate(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'it' ? 'it-IT' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' }).format(date)
}

/** Stands in for a character the fonts cannot draw, so it shows as missing instead of silently vanishing. */
const MISSING = '?'

/**
 * Makes board text drawable with the embedded fonts. Text typed on a phone can carry decomposed
 * accents (drawn detached without GPOS), tabs, control characters or emoji, which an embedded
 * font would otherwise draw as empty boxes or not at all.
 */
export function textCleaner(fonts: { regular: Uint8Array; bold: Uint8Array }): (text: string) => string {
  const faces = [fontkit.create(fonts.regular), fontkit.create(fonts.bold)]
  const known = new Map<number, boolean>()
  const drawable = (cp: number) => {
    let ok = known.get(cp)
    if (ok === undefined) {
      ok = faces.every((face) => face.hasGlyphForCodePoint(cp))
      known.set(cp, ok)
    }
    return ok
  }
  return (text) => {
    let out = ''
    for (const ch of text.normalize('NFC').replace(/\r\n?/g, '\n').replace(/\t/g, ' ')) {
      const cp = ch.codePointAt(0) ?? 0
      if (ch === '\n') out += ch
      else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xfe00 && cp <= 0xfe0f)) continue
      else out += drawable(cp) ? ch : MISSING
    }
    return out
  }
}
