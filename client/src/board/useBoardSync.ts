import { boardSchema, type BoardMeta } from '@opificio/shared'
import { useEffect, useState } from 'react'
import { io } from 'socket.io-client'
import {
  atom,
  createPresenceStateDerivation,
  createTLStore,
  createUserId,
  UserRecordType,
  type TLStore,
  type TLUser,
} from 'tldraw'
import { useConnectionStore } from '../connection/connectionStore.ts'
import { failoverSocket } from '../sync/failoverSocket.ts'
import { SyncClient } from '../sync/SyncClient.ts'
import { useUserStore } from '../user/userStore.ts'

export type BoardSync =
  | { status: 'loading' }
  | { status: 'ready'; store: TLStore; board: BoardMeta }

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The node that served this page first (it is up), then the others in random order to spread a crowd. */
function nodeOrder(urls: string[]): string[] {
  const own = urls.filter((u) => new URL(u).origin === window.location.origin)
  const others = urls
    .filter((u) => !own.includes(u))
    .map((url) => ({ url, key: Math.random() }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.url)
  return [...own, ...others]
}

/**
 * Connects a fresh tldraw store to a board; it is ready once the server has sent the document.
 * With `serverUrls` (several nodes, no load balancer) it moves between nodes by itself.
 */
export function useBoardSync(boardId: string, serverUrls: string[] | null): BoardSync {
  const [sync, setSync] = useState<BoardSync>({ status: 'loading' })

  useEffect(() => {
    // A fresh key per page load: it names this tab's pushes, so a reload never claims another's.
    // It is a secret between this tab and the server, so presence is named by another id.
    const clientId = randomId()
    const userId = createUserId(randomId())
    const makeUser = (): TLUser => {
      const { name, color } = useUserStore.getState()
      return UserRecordType.create({ id: userId, name, color })
    }
    const $user = atom<TLUser | null>('presence user', makeUser())
    const stopUser = useUserStore.subscribe(() => $user.set(makeUser()))
    const $connection = atom<'online' | 'offline'>('connection', 'offline')

    const store = createTLStore({
      schema: boardSchema,
      // No attribution: tldraw would otherwise write names into the board, which is projected and exported.
      users: { currentUser: atom<TLUser | null>('no attribution', null) },
      collaboration: { status: $connection },
    })
    const presence = createPresenceStateDerivation($user)(store)
    const { setSync: setConnection, addNotice } = useConnectionStore.getState()

    const client = new SyncClient({
      store: store as never,
      socket: serverUrls ? failoverSocket(nodeOrder(serverUrls)) : io({ autoConnect: true }),
      boardId,
      clientId,
      presence: presence as never,
      onWelcome: (welcome) => setSync((s) => (s.status === 'ready' ? s : { status: 'ready', store, board: welcome.board })),
      onState: (state) => {
        setConnection(state)
        $connection.set(state.connection === 'online' ? 'online' : 'offline')
      },
      onRejected: addNotice,
    })

    return () => {
      client.dispose()
      stopUser()
      setSync({ status: 'loading' })
    }
  }, [boardId, serverUrls])

  return sync
}
