// Every export of a board of 300 elements and 400 relations (100 of them pact commitments, 30
// memberships of 6 governance bodies), with its time and size: PNG, SVG and PDF drawn in a real
// Chromium as the facilitator's panel draws them, CSV, JSON and .tldr from the HTTP API.
// Run: npm run bench:exports   (ELEMENTS=…, RELATIONS=…)
import { linkToken } from '@opificio/shared'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ARTIFACTS, joinBoard } from '../harness/boardPage.ts'
import { launchContext } from '../harness/browser.ts'
import { createBoard, startServer } from '../harness/server.ts'

const ELEMENTS = Number(process.env.ELEMENTS ?? 300)
const RELATIONS = Number(process.env.RELATIONS ?? 400)
const OUT = join(ARTIFACTS, 'bench-exports')

const server = await startServer()
const ctx = await launchContext({ viewport: { width: 1440, height: 900 } })
try {
  await mkdir(OUT, { recursive: true })
  const board = await createBoard(server.url, 'Mappa del chilometro quadrato')
  const { page } = await joinBoard(ctx, board.links.facilitator, 'Giulia')
  // tsx keeps function names with a helper the page does not have.
  await page.evaluate('window.__name = (f) => f')
  const built = await page.evaluate(
    ({ elements, relations }) => {
      const editor = (window as any).opificioEditor
      const kinds = ['ente-pubblico', 'terzo-settore', 'cittadino', 'servizio', 'spazio', 'bisogno']
      const sectors: Record<string, string> = { 'ente-pubblico': 'pubblico', 'terzo-settore': 'privato-sociale', cittadino: 'civico' }
      const lines = ['relazioni', 'welfare', 'solidarieta']
      const ids = Array.from({ length: elements }, (_, i) => `shape:bench-${i}`)
      const bodies = ids.slice(0, 6)
      editor.run(() => {
        ids.forEach((id, i) => {
          const kind = i < 6 ? 'cabina-regia' : kinds[i % kinds.length]
          editor.createShape({
            id,
            type: 'element',
            x: (i % 20) * 300,
            y: Math.floor(i / 20) * 220,
            props: {
              w: 220,
              h: 120,
              kind,
              name: `Elemento ${i}: associazione di volontariato per l’attività sociale di quartiere`,
              sector: sectors[kind] ?? '',
              lines: lines.slice(0, i % 4),
              notes: i % 5 === 0 ? 'Sede in via Verdi; aperta il lunedì e il mercoledì' : '',
            },
          })
        })
        const anchor = { normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' }
        for (let i = 0; i < relations; i++) {
          const id = `shape:bench-rel-${i}`
          const from = ids[6 + (i % (elements - 6))]
          let to = ids[(i * 7 + 13) % elements]
          let meta: Record<string, unknown> = { relation: 'collabora' }
          if (i < 100)
            meta = {
              relation: 'impegno',
              commitment: {
                what: `Aprire un doposcuola due pomeriggi a settimana (${i})`,
                by: 'Entro giugno 2027',
                resources: 'Volontari della rete, sala della biblioteca',
              },
            }
          else if (i < 130) {
            to = bodies[i % 6]
            meta = { relation: 'partecipa' }
          }
          if (to === from) to = ids[(i + 1) % elements]
          editor.createShape({ id, type: 'arrow', x: 0, y: 0, props: { color: 'green' }, meta })
          editor.createBindings([
            { type: 'arrow', fromId: id, toId: from, props: { terminal: 'start', ...anchor } },
            { type: 'arrow', fromId: id, toId: to, props: { terminal: 'end', ...anchor } },
          ])
        }
      })
      return editor.getCurrentPageShapeIds().size
    },
    { elements: ELEMENTS, relations: RELATIONS }
  )
  // Everything on the server before the API is asked for its files.
  const token = linkToken(new URL(board.links.facilitator).hash)!
  for (let tries = 0; tries < 100; tries++) {
    const res = await fetch(`${server.url}/api/boards/${board.id}/export.json`, { headers: { authorization: `Bearer ${token}` } })
    const json = (await res.json()) as { elements: unknown[]; relations: unknown[] }
    if (json.elements.length === ELEMENTS && json.relations.length === RELATIONS) break
    await new Promise((r) => setTimeout(r, 200))
  }
  console.log(`board: ${ELEMENTS} elements, ${RELATIONS} relations (${built} shapes)`)

  for (const format of ['csv', 'json', 'tldr'] as const) {
    const start = performance.now()
    const res = await fetch(`${server.url}/api/boards/${board.id}/export.${format}`, { headers: { authorization: `Bearer ${token}` } })
    const bytes = new Uint8Array(await res.arrayBuffer())
    const ms = performance.now() - start
    await writeFile(join(OUT, `board.${format}`), bytes)
    console.log(`${format.padEnd(5)} ${ms.toFixed(0).padStart(6)} ms  ${(bytes.length / 1024).toFixed(0).padStart(7)} KiB  (HTTP API)`)
  }
  for (const format of ['svg', 'png', 'pdf', 'svg', 'png', 'pdf'] as const) {
    const result = await page.evaluate(
      async ({ format, boardId, token }) => {
        const w = window as any
        const editor = w.opificioEditor
        const { runExport, documentRecords } = w.opificioExport
        const source = {
          editor,
          records: () => documentRecords(editor),
          boardId,
          token,
          title: 'Mappa del chilometro quadrato',
          phase: 2,
          snapshot: null,
        }
        const start = performance.now()
        const file = await runExport(format, source, 'it', { signal: new AbortController().signal, onProgress: () => undefined })
        const ms = performance.now() - start
        const bytes = new Uint8Array(await file.blob.arrayBuffer())
        let bin = ''
        for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
        return { ms, name: file.name, b64: btoa(bin) }
      },
      { format, boardId: board.id, token }
    )
    const bytes = Buffer.from(result.b64, 'base64')
    await writeFile(join(OUT, `board.${format}`), bytes)
    console.log(
      `${format.padEnd(5)} ${result.ms.toFixed(0).padStart(6)} ms  ${(bytes.length / 1024).toFixed(0).padStart(7)} KiB  (in the browser, ${result.name})`
    )
  }
  console.log(`files in ${OUT}`)
} finally {
  await ctx.close()
  await server.close()
}
