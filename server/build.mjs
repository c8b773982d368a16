// Bundles the server (src/main.ts and what it imports from this repo, @opificio/shared included)
// into dist/main.js, so production runs `node server/dist/main.js`: one process, no TypeScript
// compiler loaded at start. Packages from node_modules stay outside the bundle, imported as
// installed (`npm ci --omit=dev` provides them).
import { build } from 'esbuild'
import { tsImport } from 'tsx/esm/api'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))

/** Bare imports (express, socket.io, pino, ...) stay imports; the repo's own workspaces are bundled. */
const packagesOutside = {
  name: 'packages-outside',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@opificio/') ? undefined : { path: args.path, external: true }))
  },
}

const started = performance.now()
const { recordChecks } = await tsImport('./src/sync/rooms/recordChecks.ts', import.meta.url)
// Chunk names carry a hash: last build's would stay beside this one's.
rmSync(new URL('dist', import.meta.url), { recursive: true, force: true })
const result = await build({
  absWorkingDir: here,
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  // The server's modules in a chunk of their own, loaded once the configuration holds.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [packagesOutside],
  // The bundle names the checks of the sources it holds, which it cannot read where it runs.
  define: { OPIFICIO_RECORD_CHECKS: JSON.stringify(recordChecks()) },
})
const bytes = Object.entries(result.metafile.outputs).reduce((sum, [file, o]) => (file.endsWith('.js') ? sum + o.bytes : sum), 0)
console.log(`server/dist: ${(bytes / 1024).toFixed(0)} kB of JavaScript in ${Math.round(performance.now() - started)} ms`)
