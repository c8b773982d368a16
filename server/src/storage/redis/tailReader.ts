import type Redis from 'ioredis'
import { Subscribers } from '../subscribers.ts'
import type { LogEntry } from '../types.ts'
import { offsetOfStreamId, streamId } from './keys.ts'
import type { Logger } from '../../observability/logger.ts'

interface Tailed {
  /** Read position: the lowest offset any subscriber of this stream has been given. */
  after: number
  subs: Subscribers
}

type RawEntry = [id: string, fields: string[]]

export function parseEntry([id, fields]: RawEntry): LogEntry {
  const f: Record<string, string> = {}
  for (let i = 0; i < fields.length; i += 2) f[fields[i]] = fields[i + 1]
  return { offset: offsetOfStreamId(id), clientId: f.c, seq: Number(f.s), diff: JSON.parse(f.d) }
}

/**
 * One blocking XREAD per node over the streams of every board it serves. Adding a stream wakes
 * the read (CLIENT UNBLOCK) so a new board is tailed at once. The streams are durable, so after
 * any Redis outage reading simply resumes from where each one was.
 */
export class TailReader {
  private readonly streams = new Map<string, Tailed>()
  private connectionId: number | null = null
  private reading = false
  private stopped = false
  private wake: (() => void) | null = null

  constructor(
    private readonly blocking: Redis,
    private readonly control: Redis,
    private readonly logger: Logger
  ) {
    blocking.on('ready', () => {
      this.connectionId = null
    })
    void this.loop()
  }

  add(stream: string, after: number, onEntries: (entries: LogEntry[]) => void): () => void {
    let tailed = this.streams.get(stream)
    if (!tailed) {
      tailed = { after, subs: new Subscribers() }
      this.streams.set(stream, tailed)
    }
    tailed.after = Math.min(tailed.after, after)
    const remove = tailed.subs.add(after, onEntries)
    this.interrupt()
    return () => {
      remove()
      const t = this.streams.get(stream)
      if (t && t.subs.size === 0) this.streams.delete(stream)
    }
  }

  private interrupt() {
    if (this.wake) {
      this.wake()
      this.wake = null
      return
    }
    if (this.reading && this.connectionId !== null) {
      this.control.client('UNBLOCK', this.connectionId).catch(() => undefined)
    }
  }

  private async loop() {
    let backoff = 50
    while (!this.stopped) {
      if (this.streams.size === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve))
        continue
      }
      try {
        this.connectionId ??= Number(await this.blocking.client('ID'))
        const keys = [...this.streams.keys()]
        const ids = keys.map((k) => streamId(this.streams.get(k)!.after))
        this.reading = true
        const result = (await this.blocking.xread('COUNT', 2000, 'BLOCK', 5000, 'STREAMS', ...keys, ...ids)) as [string, RawEntry[]][] | null
        this.reading = false
        backoff = 50
        for (const [key, raw] of result ?? []) this.deliver(key, raw.map(parseEntry))
      } catch (e) {
        this.reading = false
        if (this.stopped) return
        this.logger.warn('tail read failed, retrying', (e as Error).message)
        await new Promise((r) => setTimeout(r, backoff))
        backoff = Math.min(backoff * 2, 1000)
      }
    }
  }

  private deliver(stream: string, entries: LogEntry[]) {
    const tailed = this.streams.get(stream)
    if (!tailed || entries.length === 0) return
    tailed.subs.deliver(entries)
    tailed.after = Math.min(tailed.subs.lowestDelivered(), entries.at(-1)!.offset)
  }

  stop() {
    this.stopped = true
    this.interrupt()
  }
}
