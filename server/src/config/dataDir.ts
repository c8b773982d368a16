import { randomBytes } from 'node:crypto'
import { mkdir, open, rm } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Writes, syncs and removes a file in `dir`, creating it if needed. A directory the server
 * cannot write to would otherwise let it start and answer /healthz while no board can open,
 * so it is found at start, where the cause is plain.
 */
export async function probeWritable(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  const probe = join(dir, `.write-probe-${randomBytes(6).toString('hex')}`)
  const file = await open(probe, 'wx')
  try {
    await file.writeFile('opificio')
    await file.sync()
  } finally {
    await file.close()
  }
  await rm(probe)
}
