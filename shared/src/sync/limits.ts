/** Bounds on what one push and one board may hold; beyond them a push is refused, not truncated. */
export const LIMITS = {
  recordsPerPush: 5_000,
  recordsPerBoard: 50_000,
  /** Socket.IO's buffer for one message; a push larger than this is cut by the transport. */
  messageBytes: 8 * 1024 * 1024,
  idLength: 200,
} as const
