import type { UnknownRecord } from '@tldraw/store'
import { randomBytes } from 'node:crypto'
import type { Server } from 'socket.io'

/** Presence changes of one board on one node, gathered over a tick. */
export interface PresenceNews {
  boardId: string
  node: string
  put: UnknownRecord[]
  remove: string[]
  /** A heartbeat: `put` is everything the node has; what it no longer lists is gone. */
  full?: boolean
}

/** How nodes tell each other about presence. Documents never travel this way: only the log orders them. */
export interface PresenceBus {
  readonly nodeId: string
  publish(news: Omit<PresenceNews, 'node'>): void
  subscribe(handler: (news: PresenceNews) => void): () => void
}

const EVENT = 'opificio:presence'

/** Over the Socket.IO adapter (Redis sharded pub/sub): lossy while Redis is away, which heartbeats repair. */
export function adapterPresenceBus(io: Server): PresenceBus {
  const nodeId = randomBytes(8).toString('hex')
  return {
    nodeId,
    publish(news) {
      try {
        io.serverSideEmit(EVENT, { ...news, node: nodeId })
      } catch {
        // Presence is best-effort; the next heartbeat carries the whole picture again.
      }
    },
    subscribe(handler) {
      const listener = (news: PresenceNews) => {
        if (news && typeof news === 'object' && news.node !== nodeId) handler(news)
      }
      io.on(EVENT as never, listener as never)
      return () => io.off(EVENT as never, listener as never)
    },
  }
}
