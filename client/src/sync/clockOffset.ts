/**
 * How far the server's clock is ahead of this one, from a hello and its welcome: the welcome
 * was sent at `serverTime`, after the server had held the hello for `heldMs`; of the rest of the
 * round trip, half is taken to be the way back. Without a hello of ours to time (a welcome the
 * server sent on its own), only the one-way time is unknown and is taken as zero.
 */
export function clockOffset(welcome: { serverTime: number; heldMs: number }, receivedAt: number, helloSentAt: number | null): number {
  if (helloSentAt === null || helloSentAt > receivedAt) return welcome.serverTime - receivedAt
  const network = Math.max(0, receivedAt - helloSentAt - welcome.heldMs)
  return welcome.serverTime + network / 2 - receivedAt
}
