import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    reporters: ['default', './scripts/plainSummaryReporter.ts'],
    projects: [
      { test: { name: 'shared', root: 'shared', environment: 'node' } },
      { test: { name: 'server', root: 'server', environment: 'node', testTimeout: 30_000 } },
      { test: { name: 'client', root: 'client', environment: 'node' } },
      {
        test: {
          name: 'e2e',
          root: 'e2e',
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
