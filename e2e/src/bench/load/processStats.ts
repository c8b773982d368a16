import { readFile } from 'node:fs/promises'

const TICKS_PER_SECOND = 100

/** CPU seconds a process has used so far (user + system), from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces, in parentheses): utime is the 14th field, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

/** Resident memory of a process, in MiB. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

/** Starts measuring a process's CPU; the returned function gives % of one core since then. */
export async function cpuMeter(pid: number): Promise<() => Promise<number>> {
  const cpu0 = await cpuSeconds(pid)
  const t0 = performance.now()
  return async () => (((await cpuSeconds(pid)) - cpu0) / ((performance.now() - t0) / 1000)) * 100
}
