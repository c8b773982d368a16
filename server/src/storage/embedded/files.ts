import { open, readdir, rename, rm, type FileHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** Makes a directory's entries (new, renamed or deleted files) durable. */
export async function fsyncDir(dir: string) {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Writes every byte of `data` at the handle's position. A filling disk makes write() return
 * short rather than fail, so a single call could leave half an entry behind and report success.
 */
export async function writeAll(handle: FileHandle, data: Uint8Array) {
  let done = 0
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done)
    if (bytesWritten === 0) throw new Error('write made no progress')
    done += bytesWritten
  }
}

/**
 * Writes a file so that after a crash it holds either the old or the new content, whole. On any
 * failure the temporary file is removed, so a full disk is not made fuller by the attempt.
 * `mode` (e.g. 0o600 for secrets) is set before any byte is written, on a leftover temporary
 * file too.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode?: number) {
  const tmp = `${path}.tmp`
  try {
    const handle = await open(tmp, 'w', mode)
    try {
      if (mode !== undefined) await handle.chmod(mode)
      await writeAll(handle, typeof data === 'string' ? Buffer.from(data) : data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, path)
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined)
    throw error
  }
  await fsyncDir(dirname(path))
}

/** Temporary files left by a crash in the middle of writeFileAtomic: never part of a board. */
export async function removeTempFiles(dir: string) {
  for (const name of await readdir(dir)) {
    if (name.endsWith('.tmp')) await rm(join(dir, name), { force: true })
  }
}
