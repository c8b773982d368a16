import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client'
import type { SyncSocket } from './SyncClient.ts'

type Listener = (payload: never) => void

/**
 * A SyncSocket over several server nodes: when the node it is on goes away, it connects to the
 * next one, so a client outlives any single node. It starts with the first URL: callers order
 * (or shuffle) the list. With one URL it is a plain reconnecting socket.
 */
export function failoverSocket(urls: string[], options: Partial<ManagerOptions & SocketOptions> = {}): SyncSocket {
  if (urls.length === 0) throw new Error('failoverSocket needs at least one server URL')
  const listeners = new Map<string, Set<Listener>>()
  let index = 0
  let socket: Socket | null = null
  let wanted = true
  let attempts = 0
  let retry: ReturnType<typeof setTimeout> | null = null

  const fire = (event: string, payload?: unknown) => {
    for (const l of listeners.get(event) ?? []) (l as (p: unknown) => void)(payload)
  }

  const open = () => {
    retry = null
    if (!wanted) return
    const s = io(urls[index], { ...options, reconnection: false, forceNew: true })
    socket = s
    s.onAny((event: string, payload: unknown) => fire(event, payload))
    s.on('connect', () => {
      attempts = 0
      fire('connect')
    })
    const next = () => {
      if (socket !== s) return
      s.removeAllListeners()
      s.disconnect()
      socket = null
      if (!wanted) return
      attempts++
      index = (index + 1) % urls.length
      // Quick to the next node, slower once every node has been tried; jitter spreads a crowd.
      const base = attempts <= urls.length ? 100 : Math.min(250 * 2 ** (attempts - urls.length), 5000)
      retry = setTimeout(open, base + Math.random() * base)
    }
    s.on('connect_error', next)
    s.on('disconnect', (reason: string) => {
      fire('disconnect', reason === 'io server disconnect' ? 'transport close' : reason)
      next()
    })
  }

  open()
  return {
    get connected() {
      return socket?.connected ?? false
    },
    emit(event, payload) {
      socket?.emit(event, payload)
    },
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
    },
    off(event) {
      if (event) listeners.delete(event)
      else listeners.clear()
    },
    connect() {
      wanted = true
      if (!socket && !retry) open()
    },
    disconnect() {
      wanted = false
      if (retry) clearTimeout(retry)
      retry = null
      const s = socket
      socket = null
      if (s) {
        s.removeAllListeners()
        s.disconnect()
        fire('disconnect', 'io client disconnect')
      }
    },
  }
}
