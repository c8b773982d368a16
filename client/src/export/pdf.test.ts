import type { BoardTables, PactRow } from '@opificio/shared'
import boldFont from 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf?inline'
import regularFont from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?inline'
import { beforeAll, describe, expect, it as test } from 'vitest'
import { buildPdf, type PdfInput } from './pdf.ts'

/**
 * Node's own modules, to check the PDF with poppler's tools and keep it for a look. The client is
 * typed and linted as browser code, so they are reached through Node's process rather than imported.
 */
const node = (globalThis as unknown as { process: { getBuiltinModule(id: string): unknown } }).process
const { execFileSync } = node.getBuiltinModule('node:child_process') as {
  execFileSync(file: string, args: string[], options: { input: Uint8Array; encoding: 'utf8'; maxBuffer: number }): string
}
const { mkdirSync, writeFileSync } = node.getBuiltinModule('node:fs') as {
  mkdirSync(path: URL, options: { recursive: true }): void
  writeFileSync(path: URL, data: Uint8Array): void
}

/** Runs a poppler tool on the PDF (given on standard input) and returns what it prints. */
function poppler(tool: 'pdfinfo' | 'pdftotext', args: string[], pdf: Uint8Array): string {
  return execFileSync(tool, [...args, '-', ...(tool === 'pdftotext' ? ['-'] : [])], { input: pdf, encoding: 'utf8', maxBuffer: 64 << 20 })
}

const ARTIFACTS = new URL('../../../e2e/artifacts/', import.meta.url)
const fonts = { regular: await bytesOf(regularFont), bold: await bytesOf(boldFont) }

async function bytesOf(dataUrl: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(dataUrl)).arrayBuffer())
}

const A4 = { width: 595.28, height: 841.89 }
const MARGIN = 50
const CONTENT = A4.width - 2 * MARGIN

/** Wide, so it gets a landscape page. */
const BOARD_IMAGE = await testPng(320, 160)
const WHO = 'Società Cooperativa «Il Mulino» – Santarcangelo'
const PACT_ROWS = 120

function pactRow(i: number): PactRow {
  return {
    id: `pact-${i}`,
    who: `${WHO} n. ${i}`,
    what:
      i % 10 === 0
        ? `Impegno ${i}: apre la sala al piano terra dell’ex Macello per i laboratori del giovedì, coordina i volontari, tiene il registro delle presenze e ne dà conto alla cabina di regia ogni due mesi, con un resoconto scritto e le spese sostenute (€ 1.200 l’anno)`
        : `Impegno ${i}: cura la biblioteca degli attrezzi e l’orto condiviso`,
    by: i % 3 === 0 ? 'Entro giugno 2027' : `Entro il ${1 + (i % 28)} marzo 2027`,
    resources: i % 4 === 0 ? '' : `Volontari (${i}), sala, € ${i * 10}`,
  }
}

function boardTables(): BoardTables {
  return {
    elements: [
      {
        id: 'e1',
        kind: 'Luogo',
        kindId: 'luogo',
        group: 'place',
        name: 'Biblioteca Baldini',
        sector: 'Cultura',
        lines: ['Welfare culturale', 'Economia circolare'],
        notes: 'Aperta anche il sabato',
        frame: '',
      },
      {
        id: 'e2',
        kind: 'Cittadino',
        kindId: 'cittadino',
        group: 'actor',
        name: '=SOMMA(A1:A3)',
        sector: '',
        lines: [],
        notes: 'Un nome che inizia con «=» resta testo',
        frame: '',
      },
    ],
    relations: [
      {
        id: 'r1',
        type: 'gestisce',
        typeId: 'gestisce',
        source: 'Comune di Santarcangelo',
        sourceId: 's',
        target: 'Biblioteca Baldini',
        targetId: 't',
        lines: ['Welfare culturale'],
      },
    ],
    bodies: [
      // Taller than a page: the only kind of row that may be split.
      { id: 'b1', name: 'Cabina di regia', kind: 'Organo', members: Array.from({ length: 90 }, (_, i) => `Membro n. ${i + 1}`) },
    ],
    pact: Array.from({ length: PACT_ROWS }, (_, i) => pactRow(i + 1)),
    votes: [
      { voteId: 'v-x', elementId: 'e1', element: 'Biblioteca Baldini', count: 7 },
      { voteId: 'v-x', elementId: 'e2', element: '=SOMMA(A1:A3)', count: 2 },
    ],
  }
}

function input(overrides: Partial<PdfInput> = {}): PdfInput {
  return {
    locale: 'it',
    title: 'Fase 3 — Patto di Collaborazione',
    phase: {
      number: 3,
      label: 'Finalizzazione e validazione comunitaria',
      question: 'Chi fa cosa e come per realizzare concretamente l’Opificio che abbiamo progettato insieme?',
    },
    date: new Date(2026, 11, 6),
    snapshot: { title: 'Chiusura della fase 3', note: 'Versione validata dal Tavolo di Negoziazione il 5 dicembre.' },
    image: BOARD_IMAGE,
    tables: boardTables(),
    fonts,
    ...overrides,
  }
}

// Each test lays out whole documents: generous limits, so a busy machine does not fail them.
describe('the PDF export', { timeout: 30_000 }, () => {
  let pdf: Uint8Array
  let pages: string[]
  let words: Word[][]

  beforeAll(async () => {
    pdf = await buildPdf(input())
    mkdirSync(ARTIFACTS, { recursive: true })
    writeFileSync(new URL('opificio-export.pdf', ARTIFACTS), pdf)
    pages = poppler('pdftotext', ['-layout'], pdf).split('\f').slice(0, -1)
    words = wordsByPage(pdf)
  }, 60_000)

  test('is a set of A4 pages with the board’s title, author and language', () => {
    const info = poppler('pdfinfo', ['-f', '1', '-l', '999'], pdf)
    expect(info).toMatch(/^Title:\s+Fase 3 — Patto di Collaborazione$/m)
    expect(info).toMatch(/^Author:\s+Opificio$/m)
    expect(info).toMatch(/^CreationDate:.*2026/m)
    const count = Number(/^Pages:\s+(\d+)$/m.exec(info)?.[1])
    expect(count).toBe(pages.length)
    const sizes = [...info.matchAll(/^Page\s+\d+ size:\s+(.*)$/gm)].map((m) => m[1])
    expect(sizes).toHaveLength(count)
    // The wide board image gets the one landscape page.
    expect(sizes[1]).toBe('841.89 x 595.28 pts (A4)')
    expect(sizes.filter((s) => s !== '595.28 x 841.89 pts (A4)')).toEqual([sizes[1]])
  })

  test('opens with a title page', () => {
    const first = collapse(pages[0])
    for (const text of [
      'Opificio di Comunità',
      'Fase 3 — Patto di Collaborazione',
      'Fase 3 — Finalizzazione e validazione comunitaria',
      '6 dicembre 2026',
      'DOMANDA CHIAVE',
      'Chi fa cosa e come per realizzare concretamente l’Opificio che abbiamo progettato insieme?',
      'Chiusura della fase 3',
      'Versione validata dal Tavolo di Negoziazione il 5 dicembre.',
    ])
      expect(first).toContain(text)
  })

  test('numbers every page in the footer', () => {
    pages.forEach((page, i) => expect(page).toContain(`Pagina ${i + 1} di ${pages.length}`))
  })

  test('repeats the column headers on every page of the pact table', () => {
    const pactPages = pages.filter((page) => page.includes('Società Cooperativa «Il'))
    expect(pactPages.length).toBeGreaterThan(3)
    for (const page of pactPages) expect(page).toMatch(/Soggetto\s+Impegno\s+Entro quando\s+Risorse/)
    expect(pactPages.slice(1).every((page) => page.includes('Patto di Collaborazione: chi fa cosa (segue)'))).toBe(true)
  })

  test('writes every pact row whole, each on one page', () => {
    const columns = [0.26, 0.36, 0.16, 0.22]
    const byColumn = words.map((page) => columnTexts(page, columns))
    for (let i = 1; i <= PACT_ROWS; i++) {
      const row = pactRow(i)
      const cells = [row.who, row.what, row.by, row.resources]
      const onPage = byColumn.findIndex((page) => page[0].includes(collapse(row.who)))
      expect(onPage, row.who).toBeGreaterThan(0)
      cells.forEach((cell, c) => expect(byColumn[onPage][c], `row ${i} column ${c}`).toContain(collapse(cell)))
    }
  })

  test('splits only a row taller than a page, keeping all of it', () => {
    const members = words
      .flat()
      .map((w) => w.text)
      .join(' ')
    for (let i = 1; i <= 90; i++) expect(members).toContain(`Membro n. ${i} `)
    const pagesWithMembers = pages.filter((page) => /Membro n\. \d/.test(page))
    expect(pagesWithMembers.length).toBeGreaterThan(1)
    for (const page of pagesWithMembers) expect(page).toMatch(/Organo\s+Tipo\s+Membri/)
  })

  test('keeps the other tables’ texts, a name starting with = included', () => {
    const all = collapse(pages.join(' '))
    for (const text of ['Elementi', 'Relazioni', 'Organi di governance e membri', 'Risultati delle votazioni', '=SOMMA(A1:A3)', 'Biblioteca Baldini'])
      expect(all).toContain(text)
    expect(all).toMatch(/Nome Tipo Settore Linee di produzione Note/)
    expect(all).toMatch(/Relazione Da A Linee/)
  })

  test('says when a table is empty, in the reader’s language', async () => {
    const empty = { elements: [], relations: [], bodies: [], pact: [], votes: [] }
    const it = await text(await buildPdf(input({ tables: empty, image: null, snapshot: null })))
    expect(it).toContain('Nessun impegno registrato')
    expect(it).toContain('Nessun elemento registrato')
    expect(it).toContain('Pagina 2 di 2')
    const en = await text(await buildPdf(input({ locale: 'en', tables: empty, image: null, phase: null })))
    for (const s of ['No commitments recorded', 'Collaboration pact: who does what', '6 December 2026', 'Page 1 of 2']) expect(en).toContain(s)
  })

  test('draws a character the font lacks as ?, and keeps decomposed accents together', async () => {
    const tables = {
      ...boardTables(),
      pact: [{ id: 'p', who: 'Orto 🌱 Comunita\u0300', what: 'Cura\tdell’orto', by: 'Entro giugno 2027', resources: '' }],
    }
    const out = await text(await buildPdf(input({ tables, image: null })))
    expect(out).toContain('Orto ? Comunità')
    expect(out).toContain('Cura dell’orto')
  })

  test('reports progress up to the end', async () => {
    const seen: [number, number][] = []
    await buildPdf(input(), { onProgress: (done, total) => seen.push([done, total]) })
    expect(seen.length).toBeGreaterThan(5)
    const total = seen[0][1]
    expect(total).toBe(3 + 2 + 1 + 1 + PACT_ROWS + 2)
    expect(seen.every(([, t]) => t === total)).toBe(true)
    expect(seen.map(([d]) => d)).toEqual([...seen.map(([d]) => d)].sort((a, b) => a - b))
    expect(seen.at(-1)).toEqual([total, total])
  })

  test('lays out a large board (300 elements, 400 relations, 100 commitments)', async () => {
    const base = boardTables()
    const tables: BoardTables = {
      ...base,
      elements: Array.from({ length: 300 }, (_, i) => ({ ...base.elements[i % 2], id: `e${i}`, name: `Elemento n. ${i} – «Casa della Comunità»` })),
      relations: Array.from({ length: 400 }, (_, i) => ({ ...base.relations[0], id: `r${i}`, source: `Soggetto n. ${i}` })),
      pact: Array.from({ length: 100 }, (_, i) => pactRow(i + 1)),
    }
    const started = performance.now()
    const bytes = await buildPdf(input({ tables }))
    const ms = Math.round(performance.now() - started)
    // Measured, not asserted: machines differ. Printed so a slowdown shows in the test log.
    console.info(`PDF of 300 elements, 400 relations, 100 commitments: ${ms} ms, ${Math.round(bytes.length / 1024)} KiB`)
    const out = await text(bytes)
    expect(out).toMatch(/Elemento n\. 299\b/)
    expect(out).toMatch(/Soggetto n\. 399\b/)
  })

  test('stops with an AbortError when cancelled, before or during the export', async () => {
    const before = new AbortController()
    before.abort()
    await expect(buildPdf(input(), { signal: before.signal })).rejects.toMatchObject({ name: 'AbortError' })

    const during = new AbortController()
    const seen: number[] = []
    const build = buildPdf(input(), {
      signal: during.signal,
      onProgress: (done) => {
        seen.push(done)
        if (done > 20) during.abort()
      },
    })
    await expect(build).rejects.toBeInstanceOf(DOMException)
    await expect(build).rejects.toMatchObject({ name: 'AbortError' })
    expect(Math.max(...seen)).toBeLessThan(3 + 2 + 1 + 1 + PACT_ROWS + 2)
  })
})

interface Word {
  text: string
  x: number
  y: number
}

/** Words with their positions, from poppler's bounding-box output. */
function wordsByPage(pdf: Uint8Array): Word[][] {
  const html = poppler('pdftotext', ['-bbox'], pdf)
  return html
    .split('<page ')
    .slice(1)
    .map((page) =>
      [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)<\/word>/g)].map((m) => ({
        text: decodeEntities(m[3]),
        x: Number(m[1]),
        y: Number(m[2]),
      }))
    )
}

/** Each table column's text on a page, top to bottom, for tables laid out with these column shares. */
function columnTexts(page: Word[], shares: number[]): string[] {
  const edges = [MARGIN]
  for (const share of shares) edges.push(edges[edges.length - 1] + share * CONTENT)
  return shares.map((_, c) =>
    page
      .filter((w) => w.x >= edges[c] && w.x < edges[c + 1])
      .sort((a, b) => a.y - b.y || a.x - b.x)
      .map((w) => w.text)
      .join(' ')
  )
}

function decodeEntities(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

async function text(bytes: Uint8Array): Promise<string> {
  return collapse(poppler('pdftotext', ['-layout'], bytes))
}

/** A real PNG (a coloured gradient), so pdf-lib decodes and embeds it as it would tldraw's. */
async function testPng(width: number, height: number): Promise<NonNullable<PdfInput['image']>> {
  const stride = width * 3 + 1
  const raw = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set([(x * 255) / width, (y * 255) / height, 160], y * stride + 1 + x * 3)
  const header = new Uint8Array(13)
  new DataView(header.buffer).setUint32(0, width)
  new DataView(header.buffer).setUint32(4, height)
  header.set([8, 2, 0, 0, 0], 8)
  const png = concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', await deflate(raw)),
    chunk('IEND', new Uint8Array()),
  ])
  return { png, width, height }
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const body = concat([new TextEncoder().encode(type), data])
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  out.set(body, 4)
  view.setUint32(8 + data.length, crc32(body))
  return out
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** zlib's deflate, as PNG wants it. */
async function deflate(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('deflate'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

function crc32(data: Uint8Array): number {
  let crc = ~0
  for (const byte of data) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}
