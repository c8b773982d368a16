import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checksOfSource } from './recordChecks.ts'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

/** A checkout with checks in src/: an entry, what it imports, a file it does not, and a package. */
async function checkout(where = tmpdir()) {
  const root = await mkdtemp(join(where, 'checks-'))
  dirs.push(root)
  const write = async (path: string, text: string) => {
    await mkdir(join(root, path, '..'), { recursive: true })
    await writeFile(join(root, path), text)
  }
  await write('src/checks.ts', "import { limit } from './limits.ts'\nimport { T } from '@scope/validate/sub'\n// see 'from ./gone.ts'\n")
  await write('src/limits.ts', "export { deeper } from './deep/deeper.ts'\nexport const limit = 5\n")
  await write('src/deep/deeper.ts', "export const deeper = 1\nexport const later = () => import('./later.ts')\n")
  await write('src/deep/later.ts', 'export const later = 1\n')
  await write('src/unrelated.ts', 'export const other = 1\n')
  await write('node_modules/@scope/validate/package.json', '{ "version": "5.4.2" }')
  return { entry: join(root, 'src/checks.ts'), write }
}

describe('the name of the record checks', () => {
  it('is the same for the same code wherever it is checked out', async () => {
    const a = await checkout()
    const b = await checkout(await mkdtemp(join(tmpdir(), 'elsewhere-')))
    dirs.push(join(b.entry, '../../..'))
    expect(checksOfSource(a.entry)).toBe(checksOfSource(b.entry))
    expect(checksOfSource(a.entry)).toMatch(/^sha256:[0-9a-f]{24}$/)
  })

  it('changes with any file the checks import, however deep or late, and with the version of a package they import', async () => {
    const { entry, write } = await checkout()
    const names = [checksOfSource(entry)]
    await write('src/deep/later.ts', 'export const later = 2\n')
    names.push(checksOfSource(entry))
    await write('src/deep/deeper.ts', 'export const deeper = 2\n')
    names.push(checksOfSource(entry))
    await write('src/limits.ts', "export { deeper } from './deep/deeper.ts'\nexport const limit = 4\n")
    names.push(checksOfSource(entry))
    await write('node_modules/@scope/validate/package.json', '{ "version": "5.5.0" }')
    names.push(checksOfSource(entry))
    expect(new Set(names).size).toBe(5)
  })

  it('stays the same when a file the checks do not import changes', async () => {
    const { entry, write } = await checkout()
    const before = checksOfSource(entry)
    await write('src/unrelated.ts', 'export const other = 2\n')
    expect(checksOfSource(entry)).toBe(before)
  })
})
