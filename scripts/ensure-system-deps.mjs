#!/usr/bin/env node
// The tests drive real programs from Debian's packages. A missing one is installed when we
// run as root (CI, fresh machines); otherwise we stop at once and say the exact command.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const needed = [
  { what: 'Chromium (browser tests)', path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', pkg: 'chromium' },
  { what: 'redis-server (Redis storage and scale-out tests)', path: process.env.REDIS_SERVER ?? '/usr/bin/redis-server', pkg: 'redis-server' },
  { what: 'pdfinfo/pdftotext (PDF export tests)', path: '/usr/bin/pdftotext', pkg: 'poppler-utils' },
]

const missing = needed.filter((n) => !existsSync(n.path))
if (missing.length === 0) process.exit(0)

const packages = missing.map((m) => m.pkg)
const command = `apt-get update && apt-get install -y ${packages.join(' ')}`
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
if (!isRoot) {
  console.error(`Missing: ${missing.map((m) => `${m.what} at ${m.path}`).join(', ')}.`)
  console.error(`Install it with:\n  sudo sh -c '${command}'`)
  process.exit(1)
}
console.log(`Installing ${packages.join(', ')} with apt-get…`)
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
const result = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env })
if (result.status !== 0 || missing.some((m) => !existsSync(m.path))) {
  console.error(`apt-get could not install ${packages.join(' ')}; run: ${command}`)
  process.exit(1)
}
