import { EV } from '@opificio/shared'
import type { Server } from 'socket.io'
import type { FanOut } from '../rooms/room.ts'

/**
 * Socket.IO's broadcast to sockets named by id, on this node only (every node fans its own
 * clients' batches out of the same log): it encodes the packet and frames the WebSocket message
 * once and writes those bytes to each socket, where an emit per socket would serialise and frame
 * the same JSON once per person.
 */
export function socketIoFanOut(io: Server): FanOut {
  return (sockets, frame, droppable) => {
    const to = io.local.to(sockets.map((s) => s.id))
    ;(droppable ? to.volatile : to).emit(EV.batch, frame)
  }
}
