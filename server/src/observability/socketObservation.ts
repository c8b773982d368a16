import { EV, type BatchFrame } from '@opificio/shared'
import { randomBytes } from 'node:crypto'
import type { Socket } from 'socket.io'
import { clientAddress } from '../limits/clientAddress.ts'
import { boardTag } from '../storage/boardTag.ts'
import type { Logger } from './logger.ts'
import type { Metrics } from './metrics.ts'
import { requestIdOf } from './requestLog.ts'

/** Pushes awaiting their ack, per connection; a client that never hears back cannot grow it past this. */
const MAX_AWAITING = 1024

/**
 * Watches one connection from the outside, as the transport binds it: a line when it opens and
 * one when it closes (with its own id and the board's tag, never the board's id or a token),
 * and the push metrics: every push, its ack latency, every refusal by code (a flush's size is
 * weighed where it is encoded: batchEncoder.ts).
 * Read from what passes on the socket, so the room's pipeline carries no counters.
 */
export function observeSocket(socket: Socket, logger: Logger, metrics: Metrics, boardOf: () => string | null) {
  const id = randomBytes(6).toString('hex')
  socket.data.logId = id
  const opened = performance.now()
  const { headers } = socket.handshake
  // The address the connection limits count it under (a local proxy's X-Forwarded-For believed).
  const address = clientAddress(socket.conn.remoteAddress, headers['x-forwarded-for'])
  logger.info('connected', { connection: id, address, request: requestIdOf(headers['x-request-id']) })

  const awaiting = new Map<number, number>()
  socket.on(EV.push, (raw: unknown) => {
    metrics.pushReceived()
    const seq = (raw as { seq?: unknown } | null)?.seq
    // A re-sent push keeps its first arrival: the person has waited since then.
    if (typeof seq === 'number' && !awaiting.has(seq) && awaiting.size < MAX_AWAITING) awaiting.set(seq, performance.now())
  })
  socket.onAnyOutgoing((event: string, frame: BatchFrame | undefined) => {
    if (event !== EV.batch || !frame) return
    for (const entry of frame.own ?? []) {
      if (entry.kind === 'rejected') metrics.pushRejected(entry.refusal.code)
      const arrived = awaiting.get(entry.seq)
      if (arrived !== undefined && entry.kind === 'ack') metrics.pushAcked(performance.now() - arrived)
      // Seqs only grow: whatever is at or below this one is settled, acked here or before a reconnect.
      for (const seq of awaiting.keys()) {
        if (seq > entry.seq) break
        awaiting.delete(seq)
      }
    }
  })
  socket.on('disconnect', (reason) => {
    const board = boardOf()
    logger.info('disconnected', {
      connection: id,
      ...(board ? { board: boardTag(board) } : {}),
      reason,
      seconds: Math.round((performance.now() - opened) / 100) / 10,
    })
  })
}
