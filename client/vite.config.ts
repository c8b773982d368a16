import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { precompress } from '../scripts/precompress.ts'
import { preloadRoute } from '../scripts/preloadRoute.ts'

const server = process.env.OPIFICIO_SERVER ?? 'http://localhost:3000'

export default defineConfig({
  // Nearly everyone arrives by a board's link: its page has the board's chunk download beside the entry.
  plugins: [react(), preloadRoute('src/board/BoardRoute.ts', 'board.html'), precompress()],
  // tldraw's asset package is a map of URLs to files that Vite must copy, not pre-bundle.
  optimizeDeps: { exclude: ['@tldraw/assets'] },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  server: {
    proxy: {
      '/api': server,
      '/socket.io': { target: server, ws: true },
    },
  },
})
