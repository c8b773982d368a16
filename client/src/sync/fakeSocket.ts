import {
  type AckEntry,
  type BatchFrame,
  type ChangeEntry,
  EV,
  type NoopEntry,
  type RejectedEntry,
  type BatchMessage,
  type HelloMessage,
  type PushMessage,
  type WelcomeMessage,
} from '@opificio/shared'
import type { SyncSocket } from './SyncClient.ts'

/** A socket driven by the test: it records what the client sends and lets the test play the server. */
export class FakeSocket implements SyncSocket {
  connected = false
  readonly sent: { event: string; payload: unknown }[] = []
  /** connect() and disconnect() calls made by the client, in order. */
  readonly calls: string[] = []
  private readonly listeners = new Map<string, ((payload: never) => void)[]>()

  emit(event: string, payload: unknown) {
    this.sent.push({ event, payload })
    return true
  }

  on(event: string, listener: (payload: never) => void) {
    const list = this.listeners.get(event) ?? []
    list.push(listener)
    this.listeners.set(event, list)
    return this
  }

  off(event?: string) {
    if (event === undefined) this.listeners.clear()
    else this.listeners.delete(event)
    return this
  }

  connect() {
    this.calls.push('connect')
    return this
  }

  /** As Socket.IO's client does, a local disconnect() fires 'disconnect' at once. */
  disconnect() {
    this.calls.push('disconnect')
    if (this.connected) this.drop()
    return this
  }

  /** The transport came up. */
  open() {
    this.connected = true
    this.fire('connect')
  }

  /** The transport went down. */
  drop() {
    this.connected = false
    this.fire('disconnect')
  }

  fire(event: string, payload?: unknown) {
    for (const listener of [...(this.listeners.get(event) ?? [])]) (listener as (p: unknown) => void)(payload)
  }

  welcome(w: Partial<WelcomeMessage> & { offset: number }) {
    this.fire(EV.welcome, {
      board: BOARD,
      role: 'participant',
      settledSeq: 0,
      presence: [],
      presenceId: 'instance_presence:me',
      serverTime: Date.now(),
      heldMs: 0,
      ...w,
    } satisfies WelcomeMessage)
  }

  /** Plays the server's flush of `b`, as the frame it travels in (the client's own entries beside the shared part). */
  batch(b: BatchMessage) {
    const own = (b.entries ?? []).filter((e): e is AckEntry | RejectedEntry => e.kind === 'ack' || e.kind === 'rejected')
    // Whatever is not the client's own travels shared, a malformed entry included.
    const others = (b.entries ?? []).filter((e) => e.kind !== 'ack' && e.kind !== 'rejected') as (ChangeEntry | NoopEntry)[]
    const frame: BatchFrame = {}
    if (others.length > 0 || b.presence)
      frame.shared = { ...(others.length > 0 ? { entries: others } : {}), ...(b.presence ? { presence: b.presence } : {}) }
    if (own.length > 0) frame.own = own
    this.fire(EV.batch, frame)
  }

  of<T>(event: string): T[] {
    return this.sent.filter((m) => m.event === event).map((m) => m.payload as T)
  }

  hellos() {
    return this.of<HelloMessage>(EV.hello)
  }

  pushes() {
    return this.of<PushMessage>(EV.push)
  }
}

export const BOARD = { id: 'boardAAAAAAAA', title: 'Tavolo', createdAt: '2024-01-01T00:00:00.000Z' }
