import { boardSchema, EV, serverMessageValidators, type BoardMeta, type Refusal } from '@opificio/shared'
import { useEffect, useState } from 'react'
import { io } from 'socket.io-client'
import { atom, createPresenceStateDerivation, createTLStore, createUserId, UserRecordType, type TLStore, type TLUser } from 'tldraw'
import { useConnectionStore } from '../connection/connectionStore.ts'
import { useSessionLink } from '../session/sessionStore.ts'
import { useVoteLink } from '../session/voteStore.ts'
import { adjustmentNotices } from '../sync/adjustmentNotices.ts'
import { failoverSocket } from '../sync/failoverSocket.ts'
import { IndexedDbPendingStore } from '../sync/indexedDbPendingStore.ts'
import { PendingKeeper } from '../sync/pendingKeeper.ts'
import type { PendingStore } from '../sync/pendingStore.ts'
import { SyncClient } from '../sync/SyncClient.ts'
import { claimWriter, LEASE_MS, storageLeases, webLocks, type Writer } from '../sync/writerClaim.ts'
import { useUserStore } from '../user/userStore.ts'

export type BoardSync = { status: 'loading' } | { status: 'ready'; store: TLStore; board: BoardMeta }

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
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
 * The key this page pushes under. It names this page's pushes and is a secret between the page
 * and the server (presence is named by another id). A page that finds edits an earlier page on
 * this device left unconfirmed takes over that page's key, so they are re-sent without being
 * applied twice; otherwise the key is fresh, and never one another open tab holds.
 */
async function openWriter(boardId: string): Promise<{ writer: Writer; pendingStore: PendingStore | null }> {
  const fresh = { writer: { clientId: randomId(), restored: null, release: () => undefined }, pendingStore: null }
  if (!('indexedDB' in window)) return fresh
  try {
    const pendingStore = await IndexedDbPendingStore.open()
    // Web Locks exist only in secure contexts (HTTPS, localhost); elsewhere, renewed leases.
    const writer =
      'locks' in navigator
        ? await claimWriter(boardId, pendingStore, webLocks, randomId)
        : await claimWriter(boardId, pendingStore, storageLeases(localStorage), randomId, LEASE_MS + 500)
    return { writer, pendingStore }
  } catch (e) {
    console.warn('Opificio: unsent edits cannot be kept on this device', e)
    return fresh
  }
}

/**
 * Connects a fresh tldraw store to a board under the writer's key, re-sending what it restored;
 * `onReady` once the server has sent the document. Returns the disconnect.
 */
function connectBoard(
  boardId: string,
  token: string,
  serverUrls: string[] | null,
  { clientId, restored, release }: Writer,
  pendingStore: PendingStore | null,
  onReady: (store: TLStore, board: BoardMeta) => void
): () => void {
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
  const { setSync: setConnection, setRole, addNotice, addRefusal } = useConnectionStore.getState()
  let keeper: PendingKeeper | null = null
  let restoring = restored !== null

  const socket = serverUrls ? failoverSocket(nodeOrder(serverUrls)) : io({ autoConnect: true })
  const client = new SyncClient({
    store: store as never,
    socket,
    boardId,
    token,
    clientId,
    presence: presence as never,
    restored: restored ?? undefined,
    onWelcome: (welcome) => {
      // Said once the server has told which of them it already had: those are not restored.
      const count = client.syncState.unconfirmed
      if (restoring && count) addNotice(count === 1 ? 'notice.restored.one' : 'notice.restored', { count }, 'info')
      restoring = false
      // The server tells this person's dots again right after a welcome, where they still hold.
      useVoteLink.getState().forget()
      setRole(welcome.role)
      useSessionLink.getState().setClockOffset(client.clockOffsetMs)
      onReady(store, welcome.board)
    },
    onState: (state) => {
      setConnection(state)
      $connection.set(state.connection === 'online' ? 'online' : 'offline')
      keeper?.changed()
    },
    onRejected: (refusal: Refusal) => {
      // The detail is the server's English, for developers: the notice says the code in the user's words.
      if (refusal.detail) console.debug(`Opificio: change refused (${refusal.code}): ${refusal.detail}`)
      addRefusal(refusal)
    },
    onAdjusted: (adjustments) => {
      for (const n of adjustmentNotices(adjustments)) addNotice(n.key, n.vars, 'info')
    },
  })
  // The facilitator's panel sends controls through this page's connection (see session/).
  useSessionLink.getState().attach((message) => client.control(message))
  // Dot voting on the same connection: a ballot is not kept while offline (as a control), and where
  // this person's dots are comes to them alone, checked as every server message is.
  useVoteLink.getState().attach((message) => socket.connected && socket.emit(EV.ballot, message))
  socket.on(EV.dots, (raw: unknown) => {
    try {
      useVoteLink.getState().tell(serverMessageValidators.dots.validate(raw))
    } catch (e) {
      console.error('opificio: the server sent malformed dots', e)
    }
  })
  if (pendingStore) {
    keeper = new PendingKeeper({
      store: pendingStore,
      boardId,
      clientId,
      read: () => client.unconfirmedEdits(),
      stored: restored !== null,
      onError: (e) => console.warn('Opificio: could not keep unsent edits on this device', e),
    })
  }

  // Written at once when the page may be going: a hidden page can be discarded unannounced.
  const keepNow = () => void keeper?.flush()
  // A page that is really going lets its key go now, so its reload can adopt its edits at once.
  const leave = (event: PageTransitionEvent) => {
    keepNow()
    if (!event.persisted) release()
  }
  const keepIfHidden = () => document.visibilityState === 'hidden' && keepNow()
  const askBeforeLeaving = (event: BeforeUnloadEvent) => {
    if (client.syncState.unconfirmed === 0) return
    event.preventDefault()
    // Older browsers ask only when returnValue is set; none shows its text.
    event.returnValue = true
  }
  window.addEventListener('pagehide', leave)
  document.addEventListener('visibilitychange', keepIfHidden)
  window.addEventListener('beforeunload', askBeforeLeaving)

  return () => {
    window.removeEventListener('pagehide', leave)
    document.removeEventListener('visibilitychange', keepIfHidden)
    window.removeEventListener('beforeunload', askBeforeLeaving)
    // Leaving the board in the page: its edits stay on the device for when it opens again.
    const kept = keeper?.flush() ?? Promise.resolve()
    keeper?.dispose()
    client.dispose()
    useSessionLink.getState().detach()
    useVoteLink.getState().detach()
    setRole(null)
    stopUser()
    void kept.finally(release)
  }
}

/**
 * Connects a fresh tldraw store to a board with the token of the link the page was opened by;
 * it is ready once the server has sent the document, and the role is in the connection store.
 * With `serverUrls` (several nodes, no load balancer) it moves between nodes by itself.
 * Unconfirmed edits are kept on this device until the server has them, and the page asks before
 * closing while there are any.
 */
export function useBoardSync(boardId: string, token: string, serverUrls: string[] | null): BoardSync {
  const [sync, setSync] = useState<BoardSync>({ status: 'loading' })

  useEffect(() => {
    let disconnect: (() => void) | null = null
    let cancelled = false
    void openWriter(boardId).then(({ writer, pendingStore }) => {
      if (cancelled) writer.release()
      else {
        disconnect = connectBoard(boardId, token, serverUrls, writer, pendingStore, (store, board) =>
          setSync((s) => (s.status === 'ready' ? s : { status: 'ready', store, board }))
        )
      }
    })
    return () => {
      cancelled = true
      disconnect?.()
      setSync({ status: 'loading' })
    }
  }, [boardId, token, serverUrls])

  return sync
}
