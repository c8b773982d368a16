// A Vite plugin that writes a second page beside index.html for a lazily imported route: the same
// page, fetching the route's chunk (and its styles) with the entry, where the browser would
// otherwise ask for it only once the entry had run. The server sends it for that route's paths;
// other pages (the home page) download nothing of the route.
import type { Plugin, Rollup } from 'vite'

/**
 * `module`: the route's module as the lazy import names it, relative to the project's root
 * (`src/board/BoardRoute.ts`); `page`: the file written (`board.html`). The chunk is fetched, not
 * run, until the entry imports it.
 */
export function preloadRoute(module: string, page: string): Plugin {
  let base = '/'
  return {
    name: 'opificio:preload-route',
    apply: 'build',
    configResolved(config) {
      base = config.base
    },
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const chunk = routeChunk(bundle, module)
        const index = bundle['index.html'] as Rollup.OutputAsset | undefined
        if (!chunk || !index) throw new Error(`preloadRoute: no chunk is built from ${module}, or no index.html`)
        const links = [
          `<link rel="modulepreload" crossorigin href="${base}${chunk.fileName}">`,
          ...[...(chunk.viteMetadata?.importedCss ?? [])].map((css) => `<link rel="preload" as="style" crossorigin href="${base}${css}">`),
        ]
        const html = String(index.source)
        if (!html.includes('</head>')) throw new Error('preloadRoute: index.html has no </head>')
        this.emitFile({ type: 'asset', fileName: page, source: html.replace('</head>', `  ${links.join('\n    ')}\n  </head>`) })
      },
    },
  }
}

function routeChunk(bundle: Rollup.OutputBundle, module: string): Rollup.OutputChunk | undefined {
  for (const output of Object.values(bundle)) {
    if (output.type === 'chunk' && output.isDynamicEntry && output.facadeModuleId?.replaceAll('\\', '/').endsWith(`/${module}`)) return output
  }
  return undefined
}
