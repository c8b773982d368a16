import { constants } from 'node:fs'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Latencies, latencies } from './dragStorm.ts'

/**
 * What one durable append costs on the disk the single node writes to (the same temporary
 * directory): 200 bytes appended in sync (O_DSYNC, as the embedded engine writes its log),
 * `count` times. An ack can come no sooner; a writer "one fsync behind" waits about twice this.
 */
export async function fsyncProbe(count = 200): Promise<Latencies> {
  const dir = await mkdtemp(join(tmpdir(), 'opificio-fsync-'))
  const file = await open(join(dir, 'probe.log'), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC)
  const line = Buffer.alloc(200, 'x')
  const took: number[] = []
  try {
    for (let i = 0; i < count; i++) {
      const t = performance.now()
      await file.write(line)
      took.push(performance.now() - t)
    }
  } finally {
    await file.close()
    await rm(dir, { recursive: true, force: true })
  }
  return latencies(took)
}
