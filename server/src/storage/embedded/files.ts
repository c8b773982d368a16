import { open, rename } from 'node:fs/promises'

/** Makes a directory's entries (new, renamed or deleted files) durable. */
export async function fsyncDir(dir: string) {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Writes a file so that after a crash it holds either the old or the new content, whole. */
export async function writeFileAtomic(path: string, data: string) {
  const tmp = `${path}.tmp`
  const handle = await open(tmp, 'w')
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(tmp, path)
}

