import { joinBytes, recordJson } from '@opificio/shared'
import type { BoardSnapshot } from './types.ts'

const utf8 = (text: string) => Buffer.from(text)

/**
 * The snapshot as one JSON document, in UTF-8. Its records are copied from `recordsJson` where
 * the caller kept each one's JSON, in order, instead of the whole board being serialized again.
 */
export function snapshotJson(snapshot: BoardSnapshot, recordsJson?: Uint8Array[]): Uint8Array {
  const { records, ...rest } = snapshot
  // `rest` holds the offset at least: its JSON ends with the last field, then `}`.
  const open = `${JSON.stringify(rest).slice(0, -1)},"records":[`
  return joinBytes(utf8(open), recordsJsonOf(records, recordsJson), utf8(','), utf8(']}'))
}

/** Each record's JSON: as the caller kept it, one for each record, or serialized now. */
export function recordsJsonOf(records: BoardSnapshot['records'], recordsJson?: Uint8Array[]): Uint8Array[] {
  return recordsJson?.length === records.length ? recordsJson : records.map(recordJson)
}
