import { createHash, randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Set by build.mjs in the bundle: the name of the checks of the sources it was built from. */
declare const OPIFICIO_RECORD_CHECKS: string | undefined

/** Where the checks start: validateRecord, and what it imports. */
export const CHECKS_ENTRY = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/src/sync/checkDocDiff.ts')

let named: string | undefined

/**
 * The name of the record checks this process runs. A snapshot stamped with it holds only records
 * that passed them, so a load by a process of the same name checks only what the log changed
 * after it, where it would otherwise check every record of the board again (a quarter of a large
 * board's first join). Any change to the code of the checks, or to a package it imports, changes
 * the name: after such a deploy, every board is checked whole at its next load.
 */
export function recordChecks(): string {
  // Without its sources (a bundle built without the name), a process trusts no stamp, its own
  // included: a name that no other process shares.
  named ??=
    typeof OPIFICIO_RECORD_CHECKS === 'string'
      ? OPIFICIO_RECORD_CHECKS
      : existsSync(CHECKS_ENTRY)
        ? checksOfSource(CHECKS_ENTRY)
        : `unnamed:${randomUUID()}`
  return named
}

/**
 * A digest of `entry` and every file it imports, relatively, however deep, with the version of
 * each package they import: the same for two checkouts of the same code wherever they are.
 */
export function checksOfSource(entry: string): string {
  const root = dirname(entry)
  const files = new Set<string>()
  const packages = new Set<string>()
  const queue = [resolve(entry)]
  while (queue.length > 0) {
    const file = queue.pop()!
    // A path met in a comment may name nothing.
    if (files.has(file) || !existsSync(file)) continue
    files.add(file)
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec))
      else if (!spec.startsWith('node:')) packages.add(packageName(spec))
    }
  }
  const hash = createHash('sha256')
  for (const file of [...files].sort()) hash.update(`${relative(root, file)}\0${readFileSync(file, 'utf8')}\0`)
  for (const name of [...packages].sort()) hash.update(`${name}@${installedVersion(name, root)}\0`)
  return `sha256:${hash.digest('hex').slice(0, 24)}`
}

function packageName(spec: string): string {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** The version node_modules holds, looked up as Node resolves it: from `from` towards the root. */
function installedVersion(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json')
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? '?'
    if (dirname(dir) === dir) return 'missing'
  }
}
