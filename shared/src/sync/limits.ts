/** Bounds on what one message, one push and one board may hold; beyond them input is refused, not truncated. */
export const LIMITS = {
  recordsPerPush: 5_000,
  recordsPerBoard: 50_000,
  /** Socket.IO's buffer for one message; a push larger than this is cut by the transport. */
  messageBytes: 8 * 1024 * 1024,
  idLength: 200,
  /**
   * Nesting inside one record: record → props → rich text → content → node → ... Each level of
   * a rich-text list costs two; tldraw's deepest honest records stay well inside it.
   */
  recordDepth: 48,
  /** A push's diff → op → record, then the record's own bound. */
  pushDepth: 51,
  /** One record as JSON; an asset may hold an image inline as a data: URL, so it gets more room. */
  recordBytes: 1024 * 1024,
  assetRecordBytes: 6 * 1024 * 1024,
  /** A board's whole document as JSON: what every joining browser must download and hold. */
  boardBytes: 64 * 1024 * 1024,
  /** One presence record (cursor, selection, name, colour) as JSON, after the server trims it. */
  presenceBytes: 32 * 1024,
  presenceDepth: 8,
  /** Presence shows others' selections; past this many ids the rest is not shown, not refused. */
  presenceSelection: 200,
  presenceNameLength: 64,
  presenceChatLength: 200,
} as const
