export interface FileNameParts {
  /** The board's title. */
  title: string
  /** The phase the board (or the snapshot) is in, when it is in one. */
  phase?: number | null
  date: Date
  ext: string
  /** What part of the board: a frame exported alone, or a snapshot's title. */
  part?: string
  /** The word before the phase's number, in the file's language. */
  phaseWord?: string
  /** The name of a board nobody titled. */
  untitled?: string
}

/** Letters no decomposition turns into ASCII. */
const SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', þ: 'th' }

/** Names tldraw and the home page give a board nobody titled: they say nothing in a folder. */
const UNTITLED = new Set(['senza-titolo', 'untitled', 'nuova-lavagna', 'new-board'])

/** ASCII letters and digits joined by hyphens, cut at a hyphen within `max` characters. */
function slug(text: string, max: number): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\u0000-\u007f]/g, (c) => SPECIAL[c] ?? ' ')
  const joined = ascii.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
  if (joined.length <= max) return joined
  const cut = joined.slice(0, max + 1)
  const lastHyphen = cut.lastIndexOf('-')
  return (lastHyphen > max / 2 ? cut.slice(0, lastHyphen) : joined.slice(0, max)).replace(/-+$/, '')
}

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * The name an exported file is saved under: title, phase, part, local date, e.g.
 * `Opificio-Santarcangelo_fase-2_2026-12-06.png`. Only characters every file system and mail
 * client accept; a board without a title is named after the app, never "Senza titolo". The same
 * on the server (CSV, JSON, .tldr) and in the browser (PNG, SVG, PDF).
 */
export function exportFileName({ title, phase, date, ext, part, phaseWord = 'fase', untitled = 'Opificio' }: FileNameParts): string {
  const titled = slug(title, 60)
  const parts = [titled && !UNTITLED.has(titled.toLowerCase()) ? titled : untitled]
  if (phase !== undefined && phase !== null) parts.push(`${phaseWord}-${phase}`)
  const partSlug = part === undefined ? '' : slug(part, 40)
  if (partSlug) parts.push(partSlug)
  parts.push(`${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`)
  const extension = ext.replace(/[^A-Za-z0-9]/g, '').toLowerCase()
  return extension ? `${parts.join('_')}.${extension}` : parts.join('_')
}

/** A Content-Disposition header for `name`: plain ASCII, and the exact name for clients that read RFC 6266's filename*. */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}
