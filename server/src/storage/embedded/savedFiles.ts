import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { isSavedSnapshotId, oldestFirst } from '../savedSnapshots.ts'
import type { SavedSnapshot, SavedSnapshotMeta } from '../types.ts'
import { writeFileAtomic } from './files.ts'
import { decodeSaved, decodeSavedMeta, encodeSaved, SAVED_HEAD_BYTES, savedHeadLength } from './savedFormat.ts'

/** A board's saved snapshots live in `saved/<id>.snap` beside its log. */
const SAVED_DIR = 'saved'
const fileOf = (boardDir: string, id: string) => join(boardDir, SAVED_DIR, `${id}.snap`)

/** Whether the file exists; a saved snapshot is never written over. */
export async function savedFileExists(boardDir: string, id: string): Promise<boolean> {
  try {
    await stat(fileOf(boardDir, id))
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
}

export async function writeSavedFile(boardDir: string, saved: SavedSnapshot) {
  await mkdir(join(boardDir, SAVED_DIR), { recursive: true })
  await writeFileAtomic(fileOf(boardDir, saved.meta.id), encodeSaved(saved))
}

/** The descriptions, oldest first; each damaged file is reported to `onDamage` and left out. */
export async function listSavedFiles(boardDir: string, onDamage: (file: string, reason: string) => void): Promise<SavedSnapshotMeta[]> {
  let names: string[]
  try {
    names = await readdir(join(boardDir, SAVED_DIR))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw e
  }
  const metas: SavedSnapshotMeta[] = []
  for (const name of names) {
    if (!name.endsWith('.snap')) continue
    const handle = await open(join(boardDir, SAVED_DIR, name), 'r')
    try {
      // The header line says how long the description is: only those bytes are read.
      const line = Buffer.alloc(256)
      const first = await handle.read(line, 0, line.length, 0)
      const head = Buffer.alloc(Math.min(SAVED_HEAD_BYTES, savedHeadLength(line.subarray(0, first.bytesRead)) ?? first.bytesRead))
      const { bytesRead } = await handle.read(head, 0, head.length, 0)
      const decoded = decodeSavedMeta(head.subarray(0, bytesRead))
      if (decoded.ok) metas.push(decoded.meta)
      else onDamage(name, decoded.reason)
    } finally {
      await handle.close()
    }
  }
  return oldestFirst(metas)
}

/** One saved snapshot, verified; null when there is none by that id, its damage otherwise. */
export async function readSavedFile(boardDir: string, id: string): Promise<{ saved: SavedSnapshot } | { damage: string } | null> {
  if (!isSavedSnapshotId(id)) return null
  let bytes: Buffer
  try {
    bytes = await readFile(fileOf(boardDir, id))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
  const decoded = decodeSaved(bytes)
  return decoded.ok ? { saved: decoded.saved } : { damage: `${SAVED_DIR}/${id}.snap: ${decoded.reason}` }
}
