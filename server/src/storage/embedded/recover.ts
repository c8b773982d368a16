/**
 * Inspects a board the embedded engine refuses to open and, only when asked, brings it back to
 * its last good state. Stop the server first.
 *
 *   npm exec -- tsx server/src/storage/embedded/recover.ts <DATA_DIR> <boardId or tag> [--to-last-good]
 *
 * Without the flag it only reports. With it, the log is kept up to its last good line and
 * everything it cannot keep (the damaged segment, the segments after it, damaged snapshots) is
 * renamed `*.damaged`, never deleted.
 */
import { access, readdir, readFile, rename } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { boardTag } from '../boardTag.ts'
import { BoardDamagedError } from '../types.ts'
import { listSnapshotFiles, readSegments, readSnapshotFile, snapshotName, type SegmentFile } from './boardFiles.ts'
import { fsyncDir, writeFileAtomic } from './files.ts'
import { readBoard } from './readBoard.ts'

type Print = (line: string) => void

/** Returns the exit code: 0 the board opens, 1 it does not (yet), 2 a usage error. */
export async function recover(dataDir: string, board: string, toLastGood: boolean, print: Print): Promise<number> {
  const boardsDir = join(dataDir, 'boards')
  const names = await readdir(boardsDir)
  const id = names.find((n) => n === board) ?? names.find((n) => boardTag(n) === board)
  if (!id) {
    print(`no board ${board} under ${boardsDir}`)
    return 2
  }
  const dir = join(boardsDir, id)
  print(`board ${boardTag(id)}`)
  const snapshots = []
  for (const { offset } of await listSnapshotFiles(dir)) {
    const read = await readSnapshotFile(dir, offset)
    print(`  ${snapshotName(offset)}: ${read?.ok ? 'good' : `DAMAGED (${read?.reason ?? 'vanished'})`}`)
    if (read?.ok) snapshots.push(offset)
  }
  const segments = await readSegments(dir)
  for (const s of segments) {
    const range = s.entries.length ? `offsets ${s.entries[0].offset}..${s.entries.at(-1)!.offset}` : 'no entries'
    const damage = s.damage
      ? `, DAMAGED at byte ${s.damage.at} (${s.damage.reason}), ${await linesAfter(join(dir, s.name), s.damage.at)} more lines after it`
      : ''
    print(`  ${s.name}: ${s.size} bytes, ${range}${damage}`)
  }
  try {
    await readBoard(dir, id)
    print('the board opens as it is (a torn last line, if any, is dropped when it opens)')
    return 0
  } catch (error) {
    if (!(error instanceof BoardDamagedError)) throw error
    print(error.message)
  }
  if (!toLastGood) {
    print('re-run with --to-last-good to keep the log up to its last good line; what cannot be kept is renamed *.damaged')
    return 1
  }
  const newestGood = snapshots.at(-1)
  if (newestGood === undefined) {
    print('no good snapshot: nothing to recover to')
    return 1
  }

  const setAside = async (name: string) => {
    const target = join(dir, `${name}.damaged`)
    if (
      await access(target).then(
        () => true,
        () => false
      )
    )
      throw new Error(`${target} exists already; move it away first`)
    await rename(join(dir, name), target)
    print(`  set aside ${name} as ${name}.damaged`)
  }
  const good = goodPrefix(segments)
  const { first, last } = good
  // The kept log must join the snapshot: start at or before the entry after it, end at or after it.
  const keepLog = first !== null && last !== null && first <= newestGood + 1 && last >= newestGood
  for (const { offset } of await listSnapshotFiles(dir)) {
    if (offset > newestGood) await setAside(snapshotName(offset))
  }
  for (const [i, segment] of segments.entries()) {
    const cut = keepLog ? good.cutAt(i) : 0
    if (cut === segment.size) continue
    const bytes = await readFile(join(dir, segment.name))
    await setAside(segment.name)
    if (cut > 0) {
      await writeFileAtomic(join(dir, segment.name), bytes.subarray(0, cut))
      print(`  kept its first ${cut} bytes as ${segment.name}`)
    }
  }
  await fsyncDir(dir)
  print(
    `the board now holds snapshot ${newestGood} and the log through offset ${keepLog ? last : newestGood}; what came after is only in the *.damaged files`
  )
  await readBoard(dir, id)
  return 0
}

/** Lines after the damaged one that starts at `at`, for the operator to weigh what is at stake. */
async function linesAfter(path: string, at: number) {
  const bytes = await readFile(path)
  const end = bytes.indexOf(0x0a, at)
  return end === -1
    ? 0
    : bytes
        .subarray(end + 1)
        .toString('latin1')
        .split('\n')
        .filter(Boolean).length
}

/** The log from its start up to its first damaged line or hole: where to cut each segment. */
function goodPrefix(segments: SegmentFile[]) {
  let first: number | null = null
  let last: number | null = null
  let stop: { segment: number; at: number } | null = null
  for (const [i, segment] of segments.entries()) {
    for (const [j, entry] of segment.entries.entries()) {
      if (last !== null && entry.offset !== last + 1) {
        stop = { segment: i, at: segment.positions[j] }
        break
      }
      first ??= entry.offset
      last = entry.offset
    }
    if (!stop && segment.damage) stop = { segment: i, at: segment.damage.at }
    if (stop) break
  }
  const cutAt = (i: number) => (!stop || i < stop.segment ? segments[i].size : i === stop.segment ? stop.at : 0)
  return { first, last, cutAt }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2)
  const toLastGood = args.includes('--to-last-good')
  const [dataDir, board] = args.filter((a) => a !== '--to-last-good')
  if (!dataDir || !board) {
    console.error('usage: recover.ts <DATA_DIR> <boardId or tag> [--to-last-good]')
    process.exit(2)
  }
  process.exitCode = await recover(resolve(dataDir), board, toLastGood, (line) => console.log(line))
}
