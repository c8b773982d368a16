// A Vite plugin that writes a brotli (.br) and a gzip (.gz) copy beside every compressible file
// of the build, so the server sends them as they are instead of compressing on every request.
// It lives outside client/ because client code may not import Node built-ins.
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import type { Plugin } from 'vite'

const brotli = promisify(brotliCompress)
const gz = promisify(gzip)

/** Text, and fonts that are not compressed already (woff2 and images are). */
export const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|ttf|otf|xml|wasm)$/
/** Below this, a compressed copy saves less than its headers cost. */
const MIN_BYTES = 1024

export function precompress(): Plugin {
  return {
    name: 'opificio:precompress',
    apply: 'build',
    async writeBundle(output) {
      if (output.dir) await precompressDir(output.dir)
    },
  }
}

/** Compresses every file under `dir` worth it; a copy that would not be smaller is not written. */
export async function precompressDir(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = entries.filter((e) => e.isFile() && COMPRESSIBLE.test(e.name)).map((e) => join(e.parentPath, e.name))
  await Promise.all(
    files.map(async (file) => {
      const body = await readFile(file)
      if (body.length < MIN_BYTES) return
      const [br, gzipped] = await Promise.all([
        brotli(body, {
          params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
        }),
        gz(body, { level: constants.Z_BEST_COMPRESSION }),
      ])
      await Promise.all([
        br.length < body.length ? writeFile(`${file}.br`, br) : undefined,
        gzipped.length < body.length ? writeFile(`${file}.gz`, gzipped) : undefined,
      ])
    })
  )
}
