import { Store, type UnknownRecord } from '@tldraw/store'
import { createTLSchema, DocumentRecordType, PageRecordType, TLDOCUMENT_ID, type TLRecord } from '@tldraw/tlschema'
import type { IndexKey } from '@tldraw/utils'
import { describe, expect, it, vi } from 'vitest'
import { boardSchema, createInitialRecords } from '../schema/schema.ts'
import { LIMITS } from '../sync/limits.ts'
import { arrowBinding, arrowShape, geoShape, presenceRecord } from '../testing/testRecords.ts'
// Saved by tldraw 5.4.2 itself: serializeTldrawJson(editor), an Editor with default shape utils under happy-dom holding a frame, geo, note, bound arrow.
import tldrawComFile from './fixtures/tldraw-com.tldr?raw'
import { boardToTldr, parseTldr, type TldrFile } from './tldr.ts'

const byId = (records: UnknownRecord[]) => [...records].sort((a, b) => (a.id < b.id ? -1 : 1))

const richText = (text: string) => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] })

function element(id: string, index: string, props: Record<string, unknown>, parentId = 'page:page'): UnknownRecord {
  return {
    ...geoShape(id, { type: 'element', parentId, index }),
    props: { w: 200, h: 120, kind: 'cittadino', name: '', sector: '', lines: [], notes: '', ...props },
  } as unknown as UnknownRecord
}

const frame = (id: string, index: string, name: string) => geoShape(id, { type: 'frame', index, props: { w: 800, h: 600, name, color: 'black' } })

function note(id: string, index: string, text: string, parentId = 'page:page'): UnknownRecord {
  return geoShape(id, {
    type: 'note',
    index,
    parentId,
    props: {
      color: 'yellow',
      richText: richText(text),
      size: 'm',
      font: 'draw',
      align: 'middle',
      verticalAlign: 'middle',
      labelColor: 'black',
      growY: 0,
      fontSizeAdjustment: 1,
      url: '',
      scale: 1,
      textLastEditedBy: null,
    },
  })
}

const revealedVote = {
  id: 'vote:v1',
  typeName: 'vote',
  targets: ['shape:coop', 'shape:cabina'],
  dots: 3,
  state: 'revealed',
  results: { 'shape:coop': 3, 'shape:cabina': 1 },
  meta: {},
} as unknown as UnknownRecord

const sealedDot = { id: 'dot:d1', typeName: 'dot', voteId: 'vote:v2', sealed: 'c2VhbGVk', meta: {} } as unknown as UnknownRecord

/** A board's document: template, a frame with an element in it, a relation bound at both ends, labels with accents, a revealed vote. */
function sampleDocument(): UnknownRecord[] {
  return [
    ...createInitialRecords('Pagina – è la prima'),
    frame('fase', 'a1', 'Fase 1 – Attivazione'),
    element(
      'coop',
      'a1',
      { kind: 'terzo-settore', name: 'Società «Il Mulino» – Santarcangelo', sector: 'privato-sociale', lines: ['welfare'] },
      'shape:fase'
    ),
    element('cabina', 'a2', { kind: 'cabina-regia', name: 'Cabina di regia', notes: 'Perché sì: più caffè, città' }),
    arrowShape('rel', {
      index: 'a3',
      meta: { relation: 'partecipa', lines: ['welfare'] },
      props: { ...(arrowShape('x') as unknown as { props: object }).props, richText: richText('partecipa – così') },
    }),
    arrowBinding('rel-start', 'shape:rel', 'shape:coop', 'start'),
    arrowBinding('rel-end', 'shape:rel', 'shape:cabina', 'end'),
    geoShape('etichetta', { index: 'a4' }, { richText: richText('Qualità dell’aria: è più città') }),
    note('promemoria', 'a5', 'Perché no?'),
    revealedVote,
  ]
}

const fileText = (file: unknown) => JSON.stringify(file)

function refusal(text: string): string {
  const result = parseTldr(text)
  if (result.ok) throw new Error('expected a refusal')
  return result.reason
}

function records(text: string): UnknownRecord[] {
  const result = parseTldr(text)
  if (!result.ok) throw new Error(result.reason)
  return result.records
}

/** The fixture with its records changed by `edit`. */
function editedFixture(edit: (file: TldrFile) => void): string {
  const file = JSON.parse(tldrawComFile) as TldrFile
  edit(file)
  return fileText(file)
}

describe('boardToTldr', () => {
  it('writes what tldraw writes, with our schema and only the document, sealed dots left on the server', () => {
    const file = boardToTldr([...sampleDocument(), sealedDot, presenceRecord('anna')])
    expect(Object.keys(file)).toEqual(['tldrawFileFormatVersion', 'schema', 'records'])
    expect(file.tldrawFileFormatVersion).toBe(1)
    expect(file.schema).toEqual(boardSchema.serialize())
    expect(file.records.map((r) => r.typeName)).not.toContain('dot')
    expect(file.records.map((r) => r.typeName)).not.toContain('instance_presence')
  })

  it('reads back as the same document', () => {
    const document = sampleDocument()
    expect(byId(records(fileText(boardToTldr([...document, sealedDot]))))).toEqual(byId(document))
  })
})

describe('parseTldr reads what tldraw writes', () => {
  it('a file saved by tldraw, with none of our types in its schema', () => {
    const file = JSON.parse(tldrawComFile) as TldrFile
    expect(file.schema.schemaVersion === 2 && Object.keys(file.schema.sequences)).not.toContain('com.tldraw.shape.element')
    const imported = records(tldrawComFile)
    const shapes = new Map<string, UnknownRecord & { type: string; parentId: string }>(
      imported.filter((r) => r.typeName === 'shape').map((r) => [r.id, r as UnknownRecord & { type: string; parentId: string }])
    )
    expect([...shapes.keys()].sort()).toEqual(['shape:arrow', 'shape:box', 'shape:frame', 'shape:note'])
    expect(shapes.get('shape:box')).toMatchObject({ type: 'geo', parentId: 'shape:frame', props: { richText: richText('Caffè sociale — così') } })
    expect(shapes.get('shape:note')).toMatchObject({ type: 'note', props: { richText: richText('Perché no?') } })
    expect(imported.filter((r) => r.typeName === 'binding').map((r) => (r as unknown as { toId: string }).toId)).toEqual(
      expect.arrayContaining(['shape:box', 'shape:note'])
    )
    expect(new Set(imported.map((r) => r.typeName))).toEqual(new Set(['document', 'page', 'shape', 'binding']))
  })

  it('a file of tldraw’s default schema, its records checked by tldraw’s own store', () => {
    const store = new Store<TLRecord>({ schema: createTLSchema(), props: { defaultName: '', assets: {}, onMount: () => undefined } as never })
    const page = PageRecordType.create({ id: PageRecordType.createId('uno'), name: 'Pagina', index: 'a1' as IndexKey })
    const onPage = { parentId: page.id }
    store.put([
      DocumentRecordType.create({ id: TLDOCUMENT_ID }),
      page,
      { ...frame('cornice', 'a1', 'Cornice'), ...onPage },
      geoShape('cerchio', { index: 'a1', parentId: 'shape:cornice' }, { geo: 'ellipse', richText: richText('Città') }),
      note('nota', 'a2', 'Più tardì', page.id),
      arrowShape('freccia', { index: 'a3', ...onPage }),
      arrowBinding('inizio', 'shape:freccia', 'shape:cerchio', 'start'),
      arrowBinding('fine', 'shape:freccia', 'shape:nota', 'end'),
    ] as unknown as TLRecord[])
    // As serializeTldrawJson writes a store.
    const text = fileText({ tldrawFileFormatVersion: 1, schema: store.schema.serialize(), records: store.allRecords() })
    expect(byId(records(text))).toEqual(byId(store.allRecords() as UnknownRecord[]))
  })

  it('a file from an older tldraw (its notes and geo shapes taken back by tldraw’s own down-migrations) is migrated', () => {
    const tldraw = createTLSchema()
    const older = editedFixture((file) => {
      const current = file.schema
      file.schema = {
        schemaVersion: 2,
        sequences: { ...(current as { sequences: object }).sequences, 'com.tldraw.shape.note': 10, 'com.tldraw.shape.geo': 10 },
      }
      file.records = file.records.map((r) => {
        const down = tldraw.migratePersistedRecord(r as TLRecord, file.schema, 'down')
        if (down.type !== 'success') throw new Error(down.reason)
        return down.value
      })
    })
    expect(older).not.toContain('textLastEditedBy')
    expect(byId(records(older))).toEqual(byId(records(tldrawComFile)))
  })

  it('adds a document and a page to a file without them', () => {
    const imported = records(fileText({ tldrawFileFormatVersion: 1, schema: boardSchema.serialize(), records: [] }))
    expect(imported.map((r) => r.typeName).sort()).toEqual(['document', 'page'])
  })
})

describe('parseTldr refuses what is not a board, never throwing', () => {
  const ourFile = () => boardToTldr(sampleDocument())
  const withRecords = (...extra: unknown[]) => fileText({ ...ourFile(), records: [...ourFile().records, ...extra] })

  it('text that is no tldraw file', () => {
    expect(refusal('{"tldrawFileFormatVersion": 1, ')).toBe('the file is not JSON')
    expect(refusal('[1, 2]')).toBe('not a tldraw file')
    expect(refusal('{"document": {"version": 1}}')).toBe('not a tldraw file')
    expect(refusal(fileText({ ...ourFile(), tldrawFileFormatVersion: '1' }))).toMatch(/unknown file format version/)
    expect(refusal(fileText({ ...ourFile(), schema: { schemaVersion: 3 } }))).toMatch(/unknown schema version/)
    expect(refusal(fileText({ ...ourFile(), records: { a: 1 } }))).toMatch(/no list of records/)
  })

  it('a newer file format or schema', () => {
    expect(refusal(fileText({ ...ourFile(), tldrawFileFormatVersion: 2 }))).toBe('made by a newer tldraw (file format 2)')
    // tldraw logs a migration it cannot run.
    const quiet = vi.spyOn((globalThis as any).console, 'error').mockImplementation(() => undefined)
    const newer = editedFixture((file) => {
      ;(file.schema as { sequences: Record<string, number> }).sequences['com.tldraw.shape.geo'] = 99
    })
    expect(refusal(newer)).toMatch(/could not be migrated/)
    quiet.mockRestore()
  })

  it('a file over 64 MiB, or nested 100 000 levels deep', () => {
    expect(refusal(' '.repeat(LIMITS.boardBytes + 1))).toBe('the file is larger than 64 MiB')
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    expect(refusal(deep)).toMatch(/nested deeper than/)
    const deepRecord = withRecords(geoShape('fondo', { index: 'a9', meta: { x: 'DEEP' } })).replace('"DEEP"', deep)
    expect(refusal(deepRecord)).toMatch(/nested deeper than/)
  })

  it('more records than a board holds', () => {
    const many = Array.from({ length: LIMITS.recordsPerBoard + 1 }, (_, i) => ({ id: `page:p${i}`, typeName: 'page' }))
    expect(refusal(fileText({ ...ourFile(), records: many }))).toBe(`the file has more than ${LIMITS.recordsPerBoard} records`)
  })

  it('a label that would not render', () => {
    const poisoned = editedFixture((file) => {
      const box = file.records.find((r) => r.id === 'shape:box') as unknown as { props: { richText: unknown } }
      box.props.richText = { type: 'doc', content: [{ type: 'script', content: [] }] }
    })
    expect(refusal(poisoned)).toMatch(/^invalid shape shape:box: .*unknown node type "script"/)
  })

  it('a shape type this board does not draw, naming it', () => {
    expect(refusal(withRecords(geoShape('adesivo', { type: 'sticker', index: 'a9' })))).toBe(
      'shape type "sticker" cannot be imported: this board does not draw it'
    )
    expect(refusal(withRecords({ id: 'widget:w', typeName: 'widget' }))).toBe('unknown record type "widget"')
  })

  it('an image from another host', () => {
    const asset = {
      id: 'asset:foto',
      typeName: 'asset',
      type: 'image',
      meta: {},
      props: { w: 10, h: 10, name: 'foto.png', isAnimated: false, mimeType: 'image/png', src: 'https://tracker.example/foto.png' },
    }
    const image = geoShape('foto', {
      type: 'image',
      index: 'a9',
      props: { w: 10, h: 10, playing: true, url: '', assetId: 'asset:foto', crop: null, flipX: false, flipY: false, altText: '' },
    })
    expect(refusal(withRecords(asset, image))).toMatch(/^invalid asset asset:foto: .*must be an inline image/)
  })

  it('a document tldraw could not hold together', () => {
    expect(refusal(withRecords(geoShape('orfano', { parentId: 'shape:nessuno', index: 'a9' })))).toBe('shape shape:orfano hangs from no page')
    expect(refusal(withRecords(geoShape('doppio', { index: 'a1' })))).toBe('two shapes under page:page have the same index')
    expect(refusal(withRecords(arrowBinding('vuota', 'shape:rel', 'shape:nessuno', 'end')))).toBe(
      'binding binding:vuota does not join two shapes of the file'
    )
    expect(refusal(withRecords(geoShape('cabina', { index: 'a9' })))).toBe('two records have the id shape:cabina')
    const tower = Array.from({ length: 66 }, (_, i) => frame(`piano${i}`, 'a1', `Piano ${i}`)).map((f, i) => ({
      ...f,
      index: i === 0 ? 'a9' : 'a1',
      parentId: i === 0 ? 'page:page' : `shape:piano${i - 1}`,
    }))
    expect(refusal(withRecords(...tower))).toMatch(/nested more than 64 groups or frames deep/)
    const unknownKind = element('strano', 'a9', { kind: 'drago' })
    expect(refusal(withRecords(unknownKind))).toBe('element kind "drago" is not in this board\'s template')
  })

  it('leaves sealed dots and per-tab records out rather than refusing them', () => {
    const imported = records(withRecords(sealedDot, presenceRecord('anna')))
    expect(imported.map((r) => r.typeName)).not.toContain('dot')
    expect(imported.map((r) => r.typeName)).not.toContain('instance_presence')
  })
})
