import { loggable } from './logRedaction.ts'

/**
 * Where the server says what happened. One type everywhere, passed in with the rest of the
 * context (app.ts), so an operator's deployment can route it (journald, a file, a collector)
 * in one place, and tests can hold what was said.
 */
export interface Logger {
  /** Normal operation worth a line: a board repaired, a node joined. */
  info(message: string, extra?: unknown): void
  /** Something refused or degraded that the server handled: a client cut off, a torn line dropped. */
  warn(message: string, extra?: unknown): void
  /** Something failed that an operator may have to act on: storage refusing writes. */
  error(message: string, extra?: unknown): void
}

/**
 * Every line to stderr, as systemd and containers collect it: time, level, message. Everything
 * logged passes here, so no board id (a link that lets anyone in) reaches the log.
 */
export const consoleLogger: Logger = {
  info: (m, e) => write('info', m, e),
  warn: (m, e) => write('warn', m, e),
  error: (m, e) => write('error', m, e),
}

function write(level: keyof Logger, message: string, extra: unknown) {
  console.error(new Date().toISOString(), level, loggable(message), extra === undefined ? '' : loggable(extra))
}

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
