import pino from 'pino'
import type { LogLevel } from '../config/config.ts'
import { prettyLines } from './prettyLines.ts'
import { loggable, redactBoardIds } from './logRedaction.ts'
import { StdoutWriter } from './stdoutWriter.ts'

/**
 * Where the server says what happened. One type everywhere, passed in with the rest of the
 * context (app.ts), so an operator's deployment can route it (journald, a file, a collector)
 * in one place, and tests can hold what was said.
 *
 * `extra` is what goes with the message: an error, a detail, or an object whose fields become
 * the line's fields (a request's method, path and status).
 */
export interface Logger {
  /** Normal operation worth a line: a board repaired, a node joined. */
  info(message: string, extra?: unknown): void
  /** Something refused or degraded that the server handled: a client cut off, a torn line dropped. */
  warn(message: string, extra?: unknown): void
  /** Something failed that an operator may have to act on: storage refusing writes. */
  error(message: string, extra?: unknown): void
}

export interface LoggerOptions {
  level?: LogLevel
  /** Readable lines for a terminal instead of JSON. */
  pretty?: boolean
  /** Where lines go; stdout by default. */
  destination?: { write(line: string): unknown }
}

/**
 * One JSON object a line (time, level, message, fields), as journald, containers and log
 * collectors take them. Everything logged passes here, so no board id (a link that lets anyone
 * in) reaches the log, whoever wrote the message.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const out = opts.destination ?? stdout()
  const log = pino(
    {
      level: opts.level ?? 'info',
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.pretty ? prettyLines(out) : out
  )
  const at = (level: 'info' | 'warn' | 'error') => (message: string, extra?: unknown) => {
    if (!log.isLevelEnabled(level)) return
    const lines = out === shared ? shared.takeDropped() : 0
    if (lines > 0) {
      log.warn({ lines }, 'log lines dropped: the log reader fell more than 16 MiB behind')
      // Still no room, the warning dropped too: the count waits for a line that fits.
      if (shared!.takeDropped() > 0) shared!.countDropped(lines)
    }
    log[level](fieldsOf(extra), loggable(message))
  }
  return { info: at('info'), warn: at('warn'), error: at('error') }
}

/** What stdout holds for a reader that fell behind; past it, lines are dropped and counted. */
const STDOUT_BUFFER_BYTES = 16 * 1024 * 1024
/** How long an exiting process goes on trying to hand its last lines to a reader that takes none. */
const EXIT_FLUSH_MS = 1000

let shared: StdoutWriter | null = null

/**
 * stdout, one for the whole process, written without waiting (StdoutWriter): a reader that
 * falls behind costs log lines, never the server. Written synchronously, a pipe nobody read held
 * the event loop 100 ms at every retry and, some five minutes on, crashed the process. Lines wait
 * in memory up to 16 MiB; the ones past that are dropped and counted in the next line. At exit
 * what is held is written, for at most a second if nothing is read.
 */
function stdout(): StdoutWriter {
  if (shared) return shared
  const writer = new StdoutWriter(1, STDOUT_BUFFER_BYTES, EXIT_FLUSH_MS)
  process.once('exit', () => writer.flushAtExit())
  shared = writer
  return writer
}

/** A line's fields from what came with the message, every string in them without board ids. */
function fieldsOf(extra: unknown): Record<string, unknown> {
  if (extra === undefined) return {}
  if (extra instanceof Error) return { error: { type: extra.name, message: redactBoardIds(extra.message), stack: loggable(extra.stack ?? '') } }
  if (isPlainObject(extra)) return redacted(extra) as Record<string, unknown>
  return { detail: loggable(extra) }
}

function redacted(value: unknown): unknown {
  if (typeof value === 'string') return redactBoardIds(value)
  if (Array.isArray(value)) return value.map(redacted)
  if (value instanceof Error) return fieldsOf(value).error
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redacted(v)]))
  return value
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** For modules given no logger: JSON lines on stdout, readable ones at a terminal. */
export const consoleLogger: Logger = createLogger({ pretty: process.stdout.isTTY === true })

/** Says nothing: for tests whose subject is not the log. */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined }

export interface LogLine {
  level: keyof Logger
  message: string
  extra?: unknown
}

/** Keeps what was said, for tests that assert on it (and a quiet test run). */
export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = []
  const at = (level: keyof Logger) => (message: string, extra?: unknown) => void lines.push({ level, message, extra })
  return { lines, info: at('info'), warn: at('warn'), error: at('error') }
}

/** Appends each message to `lines`, whatever its level: for tests that read what was said. */
export function linesLogger(lines: string[]): Logger {
  const say = (message: string) => void lines.push(message)
  return { info: say, warn: say, error: say }
}
