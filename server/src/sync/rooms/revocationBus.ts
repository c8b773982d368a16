import type { Role } from '@opificio/shared'
import type { Server } from 'socket.io'

/** A role link of a board was replaced: every node ends the sessions that came in by it. */
export interface Revocation {
  boardId: string
  role: Role
}

/** How nodes tell each other about replaced links; on one node, nobody else needs telling. */
export interface RevocationBus {
  publish(revocation: Revocation): void
  subscribe(handler: (revocation: Revocation) => void): () => void
}

const EVENT = 'opificio:revoke'

/**
 * Over the Socket.IO adapter (Redis pub/sub). A node that misses the message (Redis away) still
 * refuses the old token at the next hello: every hello reads the board's tokens from storage.
 */
export function adapterRevocationBus(io: Server): RevocationBus {
  return {
    publish(revocation) {
      try {
        io.serverSideEmit(EVENT, revocation)
      } catch {
        // Best-effort: the old token is refused at every node's next hello regardless.
      }
    },
    subscribe(handler) {
      const listener = (r: Revocation) => {
        if (r && typeof r.boardId === 'string' && typeof r.role === 'string') handler(r)
      }
      io.on(EVENT as never, listener as never)
      return () => io.off(EVENT as never, listener as never)
    },
  }
}
