import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, joinBoard } from '../harness/boardPage.ts'
import { launchContext } from '../harness/browser.ts'
import { createBoard, startServer } from '../harness/server.ts'

const PHASE_SELECT = 'select[aria-label="Inserisci il modello di una fase"]'
const PADDING = 32
const NAMESPACES = new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink', 'http://www.w3.org/1999/xhtml'])

/** Names of 60 characters and more, accents and apostrophes included: what the canvas clamps. */
const ELEMENTS = [
  { kind: 'ente-pubblico', sector: 'pubblico', lines: ['welfare'], name: 'Servizi Sociali Territoriali dell’Unione dei Comuni Valmarecchia' },
  {
    kind: 'terzo-settore',
    sector: 'privato-sociale',
    lines: ['relazioni', 'solidarieta'],
    name: 'Cooperativa sociale “Il Millepiedi” – educativa di strada e doposcuola',
  },
  {
    kind: 'ente-religioso',
    sector: 'privato-sociale',
    lines: [],
    name: 'Parrocchia della Collegiata di San Michele Arcangelo, Caritas parrocchiale',
  },
  {
    kind: 'rappresentanza',
    sector: 'civico',
    lines: ['relazioni'],
    name: 'Consulta delle frazioni di Santa Giustina, San Vito, Canonica e Sant’Ermete',
  },
  {
    kind: 'gruppo-informale',
    sector: 'civico',
    lines: ['solidarieta', 'welfare', 'relazioni'],
    name: 'Rete di mutuo aiuto “Vicini di casa” del centro storico e di Via Ruggeri',
  },
  { kind: 'cittadino', sector: 'civico', lines: [], name: 'Giovanna Rossi, insegnante in pensione, volontaria alla biblioteca Baldini' },
  {
    kind: 'ente-pubblico',
    sector: 'pubblico',
    lines: ['welfare'],
    name: 'Casa della Comunità di Santarcangelo – Azienda USL della Romagna, ambito Rimini',
  },
  {
    kind: 'terzo-settore',
    sector: 'privato-sociale',
    lines: ['welfare'],
    name: 'Associazione di promozione sociale “Àncora” per l’inclusione lavorativa',
  },
  { kind: 'destinatari', sector: 'civico', lines: [], name: 'Anziani soli e famiglie fragili del chilometro quadrato, segnalati dai servizi' },
  {
    kind: 'servizio',
    sector: '',
    lines: ['relazioni', 'welfare', 'solidarieta'],
    name: 'Sportello di prossimità e ascolto, aperto il martedì e il giovedì pomeriggio',
  },
]

/** Who commits to what: long enough that the pact's rows wrap and outgrow the table on the canvas. */
const COMMITMENTS = [
  {
    from: 1,
    to: 8,
    what: 'Aprire un doposcuola due pomeriggi a settimana nella sala della biblioteca, con due educatori e i volontari della rete',
    by: 'Entro settembre 2026, per l’inizio dell’anno scolastico',
    resources: 'Due educatori a tempo parziale, materiali didattici, contributo comunale di 8.000 €',
  },
  {
    from: 0,
    to: 9,
    what: 'Coordinare lo sportello di prossimità con i servizi sociali e sanitari, con una riunione d’équipe ogni quindici giorni',
    by: 'Da gennaio 2027, a regime entro marzo',
    resources: 'Un’assistente sociale per sei ore settimanali e il locale al piano terra del Comune',
  },
  {
    from: 2,
    to: 8,
    what: 'Mettere a disposizione il salone parrocchiale per il pranzo comunitario della domenica e le feste di quartiere',
    by: 'Ogni prima domenica del mese',
    resources: 'Salone, cucina attrezzata, volontari Caritas',
  },
  {
    from: 4,
    to: 8,
    what: 'Accompagnare gli anziani soli alle visite e alle commissioni con un calendario condiviso di turni',
    by: 'Subito, con verifica trimestrale al Tavolo',
    resources: 'Venti volontari, due auto messe a disposizione dai soci, rimborso chilometrico',
  },
  {
    from: 6,
    to: 9,
    what: 'Formare i Community Manager sull’accesso ai servizi socio-sanitari e sulla presa in carico integrata',
    by: 'Tre incontri entro giugno 2027',
    resources: 'Personale dell’Azienda USL, aula della Casa della Comunità',
  },
  {
    from: 7,
    to: 5,
    what: 'Offrire tirocini di inclusione lavorativa nel laboratorio di riparazione biciclette dell’Opificio',
    by: 'Quattro tirocini all’anno, a partire dalla primavera',
    resources: 'Laboratorio, un tutor, borse lavoro della Regione Emilia-Romagna',
  },
  {
    from: 3,
    to: 9,
    what: 'Portare la voce delle frazioni al Tavolo di Negoziazione e diffondere il calendario dello sportello',
    by: 'A ogni riunione del Tavolo',
    resources: 'Bacheche delle frazioni, gruppo WhatsApp della Consulta',
  },
]

const SECTOR_LABELS = ['Pubblico', 'Privato sociale', 'Civico']
const LINE_LABELS = ['Relazioni significative', 'Welfare personalizzato e comunitario', 'Solidarietà e collaborazione generativa']

/** Builds the diagram through the page's editor, as the palette and the inspector would. */
function buildDiagram(page: Page) {
  return page.evaluate(
    ({ elements, commitments }) => {
      const editor = (window as any).opificioEditor
      const bounds = editor.getCurrentPageBounds()
      const origin = { x: bounds.minX, y: bounds.maxY + 200 }
      const ids = elements.map((_: unknown, i: number) => `shape:export-el-${i}`)
      editor.run(() => {
        elements.forEach((e: (typeof elements)[number], i: number) =>
          editor.createShape({
            id: ids[i],
            type: 'element',
            x: origin.x + (i % 5) * 300,
            y: origin.y + Math.floor(i / 5) * 260,
            props: { w: 220, h: 120, kind: e.kind, name: e.name, sector: e.sector, lines: e.lines, notes: '' },
          })
        )
        commitments.forEach((c: (typeof commitments)[number], i: number) => {
          const id = `shape:export-commit-${i}`
          editor.createShape({
            id,
            type: 'arrow',
            x: 0,
            y: 0,
            props: { color: 'orange', dash: 'solid', arrowheadStart: 'none', arrowheadEnd: 'arrow' },
            meta: { relation: 'impegno', commitment: { what: c.what, by: c.by, resources: c.resources } },
          })
          const anchor = { normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' }
          editor.createBindings([
            { type: 'arrow', fromId: id, toId: ids[c.from], props: { terminal: 'start', ...anchor } },
            { type: 'arrow', fromId: id, toId: ids[c.to], props: { terminal: 'end', ...anchor } },
          ])
        })
      })
    },
    { elements: ELEMENTS, commitments: COMMITMENTS }
  )
}

interface SvgExport {
  svg: string
  /** Every <text>'s content, its lines (tspans) joined. */
  texts: string[]
  viewBox: number[]
  width: number
  /** Whether a frame's clip still cuts the pact table, which outgrows its box and its frame. */
  pactClipped: boolean
}

/** Exports from the page as the facilitator's panel will, and reads the SVG back with the page's parser. */
function exportSvg(page: Page, frameId?: string): Promise<SvgExport> {
  return page.evaluate(
    async ({ frame, pactText }) => {
      const w = window as any
      const blob: Blob = await w.opificioExportImage(w.opificioEditor, { format: 'svg', frameId: frame })
      const svg = await blob.text()
      const doc = new DOMParser().parseFromString(svg, 'image/svg+xml')
      if (doc.querySelector('parsererror')) throw new Error(`the SVG does not parse: ${doc.querySelector('parsererror')?.textContent}`)
      const root = doc.documentElement
      return {
        svg,
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent ?? ''),
        viewBox: (root.getAttribute('viewBox') ?? '').split(' ').map(Number),
        width: Number(root.getAttribute('width')),
        pactClipped: [...doc.querySelectorAll('text')]
          .filter((t) => t.textContent?.startsWith(pactText))
          .some((t) => t.closest('[clip-path]') !== null),
      }
    },
    { frame: frameId, pactText: COMMITMENTS[0].what.slice(0, 20) }
  )
}

/** A PNG export's bytes, from the page. */
async function exportPng(page: Page, opts: { frameId?: string; scale?: number }): Promise<Buffer> {
  // As base64: an array of numbers would take seconds to cross to node.
  const dataUrl = await page.evaluate(async (o) => {
    const w = window as any
    const blob: Blob = await w.opificioExportImage(w.opificioEditor, { format: 'png', ...o })
    return new Promise<string>((resolve) => {
      const reader = new FileReader()
      reader.onload = () => resolve(reader.result as string)
      reader.readAsDataURL(blob)
    })
  }, opts)
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64')
}

/** Width and height from a PNG's header (the IHDR chunk follows the 8-byte signature). */
function pngSize(png: Buffer) {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

/** The page area an export must show: the shapes, and the shapes' exports that outgrow their boxes. */
function contentBounds(page: Page, frameId?: string) {
  return page.evaluate((frame) => {
    const editor = (window as any).opificioEditor
    const ids = frame ? [frame] : [...editor.getCurrentPageShapeIds()]
    let box = frame ? editor.getShapePageBounds(frame).clone() : null
    for (const id of editor.getShapeAndDescendantIds(ids)) {
      if (id === frame) continue
      const shape = editor.getShape(id)
      const util = editor.getShapeUtil(shape)
      const page = editor.getShapePageBounds(id).clone()
      const grown = typeof util.exportHeight === 'function' && util.exportHeight(shape) > page.h
      if (grown) page.h = util.exportHeight(shape)
      // A frame's export is the frame, and what its shapes' exports add below it.
      if (frame && !grown) continue
      if (box) box.union(page)
      else box = page
    }
    return { x: box.x, y: box.y, w: box.w, h: box.h }
  }, frameId)
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim()

/** Every foreign URL the SVG refers to: none may remain, the document must open offline. */
function externalUrls(svg: string) {
  return [...svg.matchAll(/https?:\/\/[^\s"')<>]+/g)].map((m) => m[0]).filter((url) => !NAMESPACES.has(url))
}

describe('PNG and SVG exports of the board, in a real browser', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  let ctx: BrowserContext
  beforeAll(async () => {
    server = await startServer()
    ctx = await launchContext({ viewport: { width: 1440, height: 900 } })
  })
  afterAll(async () => {
    await ctx?.close()
    await server?.close()
  })

  it('draws every name, sector label and pact cell whole, with the fonts inside and nothing fetched', async () => {
    const board = await createBoard(server.url, 'Opificio Santarcangelo')
    const { page, foreign, errors } = await joinBoard(ctx, board.links.facilitator, 'Giulia')
    await page.selectOption(PHASE_SELECT, '1')
    await page.selectOption(PHASE_SELECT, '3')
    await expect.poll(() => page.locator('.op-pact').count(), { timeout: 5000 }).toBe(1)
    await buildDiagram(page)
    await expect.poll(() => page.locator('.op-pact tbody tr').count(), { timeout: 5000 }).toBe(COMMITMENTS.length)
    await page.keyboard.press('Shift+1')

    const t0 = Date.now()
    const board_ = await exportSvg(page)
    console.log(`[imageExport] board SVG: ${Date.now() - t0} ms, ${(board_.svg.length / 1024).toFixed(0)} KiB`)
    await writeFile(join(ARTIFACTS, 'export-board.svg'), board_.svg)
    const texts = board_.texts.map(squash)

    for (const e of ELEMENTS) expect(texts, `the name "${e.name}"`).toContain(squash(e.name))
    for (const c of COMMITMENTS) {
      for (const cell of [c.what, c.by, c.resources, ELEMENTS[c.from].name]) expect(texts, `the pact cell "${cell}"`).toContain(squash(cell))
    }
    for (const label of [...SECTOR_LABELS, ...LINE_LABELS]) expect(texts, `the label "${label}"`).toContain(label)
    expect(texts).toContain('Equilibrio del tavolo')
    expect(board_.svg).toMatch(/@font-face\s*{[^}]*font-family:\s*"tldraw_sans"[^}]*src:\s*url\("data:/)
    expect(externalUrls(board_.svg)).toEqual([])
    // The pact outgrows its box and its frame: the export lifts the frame's clip for it.
    expect(board_.pactClipped).toBe(false)

    const content = await contentBounds(page)
    expect(board_.viewBox[2]).toBeCloseTo(content.w + 2 * PADDING, 0)
    expect(board_.viewBox[3]).toBeCloseTo(content.h + 2 * PADDING, 0)
    const t1 = Date.now()
    const png = await exportPng(page, { scale: 2 })
    console.log(`[imageExport] board PNG: ${Date.now() - t1} ms, ${(png.length / 1024).toFixed(0)} KiB`)
    await writeFile(join(ARTIFACTS, 'export-board.png'), png)
    const size = pngSize(png)
    expect(Math.abs(size.width - (content.w + 2 * PADDING) * 2)).toBeLessThanOrEqual(2)
    expect(Math.abs(size.height - (content.h + 2 * PADDING) * 2)).toBeLessThanOrEqual(2)

    // One frame, the pact's: the table whole, taller than the frame if it must be.
    const pactFrame = await page.evaluate(() => {
      const editor = (window as any).opificioEditor
      return editor.getCurrentPageShapes().find((s: any) => s.type === 'pact').parentId as string
    })
    const frame = await exportSvg(page, pactFrame)
    await writeFile(join(ARTIFACTS, 'export-pact-frame.svg'), frame.svg)
    const frameTexts = frame.texts.map(squash)
    for (const c of COMMITMENTS) for (const cell of [c.what, c.by, c.resources]) expect(frameTexts).toContain(squash(cell))
    expect(frame.pactClipped).toBe(false)
    const frameContent = await contentBounds(page, pactFrame)
    const framePngBytes = await exportPng(page, { frameId: pactFrame, scale: 1 })
    await writeFile(join(ARTIFACTS, 'export-pact-frame.png'), framePngBytes)
    const framePng = pngSize(framePngBytes)
    expect(Math.abs(framePng.width - (frameContent.w + 2 * PADDING))).toBeLessThanOrEqual(2)
    expect(Math.abs(framePng.height - (frameContent.h + 2 * PADDING))).toBeLessThanOrEqual(2)

    expect(foreign).toEqual([])
    expect(errors).toEqual([])
  })
})
