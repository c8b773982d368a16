import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { recordChecks } from '@opificio/server/testing'
import { repoRoot } from '../harness/server.ts'
import { buildServerBundle } from './productionServer.ts'

describe('the production bundle', () => {
  it('names the record checks of the sources it was built from, as the server run from them does', () => {
    buildServerBundle()
    const dist = join(repoRoot, 'server/dist')
    const code = readdirSync(dist, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(dist, f), 'utf8'))
      .join('\n')
    // The bundle cannot read the sources where it runs: without the name built in, it would trust no stamp.
    expect(code).toContain(JSON.stringify(recordChecks()))
    expect(code).not.toContain('OPIFICIO_RECORD_CHECKS')
  })
})
