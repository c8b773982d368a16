import { write, writeSync } from 'node:fs'

/** Errors that say the reader is only slow: try again later. Any other says it is gone. */
const BUSY = new Set(['EAGAIN', 'EBUSY'])
const RETRY_MS = 10

/**
 * Log lines to a file descriptor (stdout), written without ever waiting for the reader: a reader
 * that falls behind (a stuck pipe, a paused terminal, a log collector down) costs lines, never
 * the server. Lines wait in memory up to `maxBytes`; past that they are dropped and counted
 * (`takeDropped`). A reader that is gone (a closed pipe: EPIPE) gets nothing more. At exit what
 * waits is written for at most `exitFlushMs` if nothing is read.
 *
 * pino's own destination (sonic-boom) retries a failed write at exit forever unless it failed
 * with EAGAIN: a server whose log reader had gone never stopped on SIGTERM.
 */
export class StdoutWriter {
  private queue: Buffer[] = []
  private queuedBytes = 0
  /** A write handed to the system and not answered yet: it holds the head of the queue. */
  private inFlight = false
  /** Set while waiting to try again a reader that took nothing. */
  private retry: ReturnType<typeof setTimeout> | null = null
  private gone = false
  private exited = false
  private dropped = 0

  constructor(
    private readonly fd: number,
    private readonly maxBytes: number,
    private readonly exitFlushMs: number
  ) {}

  write(line: string): boolean {
    if (this.gone) return true
    const bytes = Buffer.from(line)
    if (this.queuedBytes + bytes.length > this.maxBytes) {
      this.dropped++
      return true
    }
    this.queue.push(bytes)
    this.queuedBytes += bytes.length
    this.writeNext()
    return true
  }

  /** How many lines were dropped since the last call. */
  takeDropped(): number {
    const n = this.dropped
    this.dropped = 0
    return n
  }

  /** Counts lines dropped again: a count taken that could not be said yet. */
  countDropped(lines: number) {
    this.dropped += lines
  }

  private writeNext() {
    if (this.inFlight || this.retry || this.exited || this.gone || this.queue.length === 0) return
    const chunk = this.queue.length === 1 ? this.queue[0] : Buffer.concat(this.queue)
    this.queue = [chunk]
    this.inFlight = true
    write(this.fd, chunk, 0, chunk.length, null, (error, written) => {
      // After flushAtExit (in tests: a process does not come back from its exit) the queue is its own.
      if (this.exited) return
      this.inFlight = false
      if (error && BUSY.has(error.code ?? '')) {
        this.retry = setTimeout(() => {
          this.retry = null
          this.writeNext()
        }, RETRY_MS).unref()
      } else if (error) {
        this.giveUp()
      } else {
        this.consumed(written)
        this.writeNext()
      }
    })
  }

  private consumed(written: number) {
    this.queuedBytes -= written
    const [chunk] = this.queue
    if (written >= chunk.length) this.queue.shift()
    else this.queue[0] = chunk.subarray(written)
  }

  private giveUp() {
    this.gone = true
    this.queue = []
    this.queuedBytes = 0
  }

  /** Writes what waits, synchronously (at exit there is no event loop), for at most `exitFlushMs` of a reader taking nothing. */
  flushAtExit() {
    this.exited = true
    if (this.retry) clearTimeout(this.retry)
    const deadline = performance.now() + this.exitFlushMs
    const pause = new Int32Array(new SharedArrayBuffer(4))
    // A write under way has the head of the queue, and finishes or not without us: written twice
    // it would be, most of the time. (So it may land after the lines written here.)
    if (this.inFlight) this.consumed(this.queue[0].length)
    while (!this.gone && this.queue.length > 0) {
      try {
        this.consumed(writeSync(this.fd, this.queue[0]))
      } catch (error) {
        if (!BUSY.has((error as NodeJS.ErrnoException).code ?? '') || performance.now() >= deadline) return this.giveUp()
        Atomics.wait(pause, 0, 0, RETRY_MS)
      }
    }
  }
}
