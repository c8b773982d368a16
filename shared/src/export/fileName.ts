/**
 * The name of an exported file: the board's title, its phase and the day, e.g.
 * `Opificio-Santarcangelo_fase-2_2026-12-06.csv`. Letters lose their accents and anything a file
 * system or a mail client could choke on becomes a dash, so the name travels as it is.
 */
export function exportFileName(what: { title: string; phase: number | null; date: Date; ext: string; part?: string }): string {
  const words = (text: string) =>
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '')
  const day = what.date.toISOString().slice(0, 10)
  const parts = [words(what.title) || 'Opificio']
  if (what.part && words(what.part)) parts.push(words(what.part))
  if (what.phase !== null) parts.push(`fase-${what.phase}`)
  parts.push(day)
  return `${parts.join('_')}.${what.ext}`
}

/** A Content-Disposition header for `name`: plain ASCII, and the exact name for clients that read RFC 6266's filename*. */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}
