import { describe, expect, it } from 'vitest'
import { createInitialRecords } from '../schema/schema.ts'
import { encodeWelcomeDocument, helloValidator, PROTOCOL_VERSION, serverMessageValidators, wireEntryValidator, type WireEntry } from './messages.ts'
import { parsePush } from './push.ts'

const board = { id: 'board0000001', title: 'Tavolo', createdAt: '2026-12-06T10:00:00.000Z' }

describe('the wire protocol', () => {
  it.each<WireEntry>([
    { kind: 'change', offset: 3, diff: { 'shape:a': ['remove'] } },
    { kind: 'noop', offset: 4 },
    { kind: 'ack', offset: 5, seq: 2 },
    { kind: 'ack', offset: 6, seq: 3, adjusted: [{ id: 'shape:a', what: 'dropped', reason: 'record-removed' }] },
    { kind: 'rejected', seq: 4, refusal: { code: 'too-deep', params: { limit: 51 }, detail: 'nested deeper than 51 levels' } },
    { kind: 'rejected', offset: 7, seq: 5, refusal: { code: 'last-page' } },
  ])('takes a $kind entry as the server sends it', (entry) => {
    expect(wireEntryValidator.validate(entry)).toEqual(entry)
  })

  it.each([
    ['an unknown kind', { kind: 'bogus', offset: 1 }],
    ['an entry told apart by its keys alone', { o: 1, s: 1 }],
    ['a change without its diff', { kind: 'change', offset: 1 }],
    ['an ack without an offset', { kind: 'ack', seq: 1 }],
    ['a refusal in free text', { kind: 'rejected', seq: 1, refusal: 'the board is full' }],
    ['a refusal code nobody translates', { kind: 'rejected', seq: 1, refusal: { code: 'nope' } }],
    ['an offset of 0', { kind: 'noop', offset: 0 }],
  ])('refuses %s', (_what, entry) => {
    expect(() => wireEntryValidator.validate(entry)).toThrow()
  })

  it('takes a welcome carrying the whole document, and one carrying entries', () => {
    const base = {
      board,
      role: 'participant',
      offset: 2,
      settledSeq: 0,
      presence: [],
      presenceId: 'instance_presence:me',
      serverTime: 1_800_000_000_000,
      heldMs: 3,
    }
    const withDocument = { ...base, document: encodeWelcomeDocument(createInitialRecords('Pagina 1')) }
    expect(serverMessageValidators.welcome.validate(withDocument)).toEqual(withDocument)
    const withEntries = {
      ...base,
      entries: [
        { kind: 'noop', offset: 1 },
        { kind: 'ack', offset: 2, seq: 1 },
      ],
    }
    expect(serverMessageValidators.welcome.validate(withEntries)).toEqual(withEntries)
    expect(() => serverMessageValidators.welcome.validate({ ...base, role: 'admin' })).toThrow()
  })

  it('takes a hello with or without a link token, and refuses a token that could smuggle anything', () => {
    const hello = { protocol: PROTOCOL_VERSION, schema: '[]', boardId: board.id, clientId: 'client-0001', lastOffset: null }
    expect(helloValidator.validate(hello)).toEqual(hello)
    expect(helloValidator.validate({ ...hello, token: 'abcDEF_12-3' })).toEqual({ ...hello, token: 'abcDEF_12-3' })
    expect(() => helloValidator.validate({ ...hello, token: '../../etc' })).toThrow()
    expect(() => helloValidator.validate({ ...hello, token: 'x'.repeat(129) })).toThrow()
  })

  it('parses a push whole, or refuses it by its seq, or not at all when no seq can be read', () => {
    expect(parsePush({ seq: 1, diff: { 'shape:a': ['remove'] } })).toEqual({
      ok: true,
      seq: 1,
      diff: { 'shape:a': ['remove'] },
      bytes: expect.any(Number),
    })
    expect(parsePush({ seq: 2, diff: {} })).toEqual({ ok: false, seq: 2, refusal: { code: 'malformed', detail: 'empty diff' } })
    expect(() => parsePush({ seq: 0, diff: {} })).toThrow()
    expect(() => parsePush('nonsense')).toThrow()
  })
})
