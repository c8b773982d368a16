/**
 * pino's JSON lines made readable for a person at a terminal (`npm run dev`, `npm start`):
 * `12:03:04.567 WARN  message key=value …`. Small on purpose: pino-pretty would bring a dozen
 * packages for what a development console needs.
 */
export function prettyLines(
  out: { write(line: string): unknown },
  colour = (process.stdout as { hasColors?: () => boolean }).hasColors?.() === true
) {
  return {
    write(line: string) {
      let fields: Record<string, unknown>
      try {
        fields = JSON.parse(line) as Record<string, unknown>
      } catch {
        return out.write(line)
      }
      const { time, level, msg, pid: _pid, hostname: _hostname, error, ...rest } = fields
      const label = String(level).toUpperCase().padEnd(5)
      const shown = colour ? `\x1b[${COLOURS[String(level)] ?? 0}m${label}\x1b[0m` : label
      const extra = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      const clock = typeof time === 'string' ? time.slice(11, 23) : ''
      const failure = error as { message?: string; stack?: string } | undefined
      const stack = failure ? `\n${failure.stack || failure.message}` : ''
      return out.write(`${clock} ${shown} ${String(msg ?? '')}${extra.length ? ` ${extra.join(' ')}` : ''}${stack}\n`)
    },
  }
}

const COLOURS: Record<string, number> = { fatal: 35, error: 31, warn: 33, info: 32, debug: 36, trace: 90 }
