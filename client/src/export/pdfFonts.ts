import boldUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf?url'
import regularUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url'

export interface PdfFonts {
  regular: Uint8Array
  bold: Uint8Array
}

/**
 * The PDF's fonts, served by this app itself (Vite copies them into the build): an export works
 * without a CDN and tells no third party who exported what. DejaVu Sans covers Italian accents,
 * «», –, ’ and €; the PDF embeds only the glyphs it uses.
 */
export async function loadPdfFonts(signal?: AbortSignal): Promise<PdfFonts> {
  const [regular, bold] = await Promise.all([fetchBytes(regularUrl, signal), fetchBytes(boldUrl, signal)])
  return { regular, bold }
}

async function fetchBytes(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal })
  if (!response.ok) throw new Error(`Could not load the PDF font ${url}: HTTP ${response.status}`)
  return new Uint8Array(await response.arrayBuffer())
}
