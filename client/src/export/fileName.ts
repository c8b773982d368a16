import { exportFileName as fileName } from '@opificio/shared'
import type { Locale } from '../i18n/strings.ts'
import { translate } from '../i18n/translate.ts'

/** The shared file name (shared/src/export/fileName.ts), its words in the page's language. */
export function exportFileName(parts: { title: string; phase?: number; date: Date; ext: string; frameName?: string; locale?: Locale }): string {
  const locale = parts.locale ?? 'it'
  return fileName({
    title: parts.title,
    phase: parts.phase,
    date: parts.date,
    ext: parts.ext,
    part: parts.frameName,
    phaseWord: translate(locale, 'export.file.phase'),
    untitled: translate(locale, 'app.name'),
  })
}
