#!/usr/bin/env node
// Scale-out on one machine, for a demo: one Redis, two server nodes sharing it, nginx in front
// balancing them with sticky sessions. `npm run start:cluster` builds the client, then runs this.
//
//   PORT                 where nginx listens (default 3000): the address to open
//   CLUSTER_BASE_PORT    first node's port (default 3001; the second is the next one)
//   REDIS_URL            use this Redis instead of starting a private one
//   CLUSTER_REDIS_PORT   port of the private Redis (default 6380)
//   REDIS_PREFIX         passed on to the nodes
//
// Everything it writes (Redis AOF, nginx config, logs, temp files) is under ./data/cluster.
// Ctrl-C (or SIGTERM) stops all of it. A child that dies is reported and the rest keep running,
// so you can `kill -9` a node and watch the browsers move to the other one.
import { spawn, spawnSync } from 'node:child_process'
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { delimiter, join, relative, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const root = resolve(fileURLToPath(import.meta.url), '../..')
const clusterDir = join(root, 'data/cluster')
const redisDir = join(clusterDir, 'redis')
const publicPort = Number(process.env.PORT ?? 3000)
const basePort = Number(process.env.CLUSTER_BASE_PORT ?? 3001)
const nodePorts = [basePort, basePort + 1]
const redisPort = Number(process.env.CLUSTER_REDIS_PORT ?? 6380)
const ownRedis = !process.env.REDIS_URL
const redisUrl = process.env.REDIS_URL || `redis://127.0.0.1:${redisPort}`
const rel = (p) => relative(process.cwd(), p) || '.'

const say = (line) => console.log(`[cluster] ${line}`)
const complain = (line) => console.error(`[cluster] ${line}`)

/** Absolute path of an executable: an env override, else PATH plus the sbin dirs PATH often lacks. */
function findExecutable(name, override) {
  if (override) return override
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin']
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK)
      return join(dir, name)
    } catch {}
  }
  return null
}

function portInUse(port) {
  return new Promise((done) => {
    const probe = createServer()
    probe.once('error', () => done(true))
    probe.listen(port, () => probe.close(() => done(false)))
  })
}

function redisAnswers(port) {
  return new Promise((done) => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    socket.setTimeout(1000, () => (socket.destroy(), done(false)))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (d) => {
      socket.destroy()
      done(d.toString().startsWith('+PONG'))
    })
  })
}

const answersHttp = (url) =>
  fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false
  )

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// ---- preflight: say what is missing before starting anything ----

const nginxBin = findExecutable('nginx', process.env.NGINX)
if (!nginxBin) {
  complain('nginx is not installed; the cluster needs it as the load balancer. Install it with:')
  complain(`  ${process.getuid?.() === 0 ? '' : 'sudo '}apt-get update && ${process.getuid?.() === 0 ? '' : 'sudo '}apt-get install -y nginx`)
  process.exit(1)
}
const redisBin = ownRedis ? findExecutable('redis-server', process.env.REDIS_SERVER) : null
if (ownRedis && !redisBin) {
  complain('redis-server is not installed (or set REDIS_URL to use an existing Redis). Install it with:')
  complain(`  ${process.getuid?.() === 0 ? '' : 'sudo '}apt-get update && ${process.getuid?.() === 0 ? '' : 'sudo '}apt-get install -y redis-server`)
  process.exit(1)
}
const wanted = [
  ...(ownRedis ? [{ port: redisPort, what: 'the private Redis', knob: 'CLUSTER_REDIS_PORT (or REDIS_URL)' }] : []),
  ...nodePorts.map((port) => ({ port, what: 'a server node', knob: 'CLUSTER_BASE_PORT' })),
  { port: publicPort, what: 'nginx', knob: 'PORT' },
]
for (const { port, what, knob } of wanted) {
  if (await portInUse(port)) {
    complain(`port ${port} (for ${what}) is already in use — is another cluster still running? Choose another with ${knob}.`)
    process.exit(1)
  }
}

// ---- children ----

/** @type {{ name: string, child: import('node:child_process').ChildProcess, exited: boolean, exit: Promise<void> }[]} */
const children = []
let stopping = false
let running = false

function prefixLines(stream, name, out) {
  if (!stream) return
  const rl = createInterface({ input: stream, crlfDelay: Infinity })
  rl.on('line', (line) => out.write(`[${name}] ${line}\n`))
}

function start(name, command, args, options = {}) {
  // Own process group: Ctrl-C reaches only this script, which then stops the children in order
  // (balancer, nodes, Redis last so nodes can finish their writes).
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options })
  const entry = { name, child, exited: false, exit: Promise.resolve() }
  entry.exit = new Promise((done) => {
    child.once('error', (e) => {
      complain(`${name} could not start: ${e.message}`)
      entry.exited = true
      done()
    })
    child.once('exit', (code, signal) => {
      entry.exited = true
      done()
      if (stopping) return
      const how = signal ? `killed by ${signal}` : `exited with code ${code}`
      if (!running) return complain(`${name} (pid ${child.pid}) ${how} while the cluster was starting`)
      const alive = children.filter((c) => !c.exited)
      complain(`${name} (pid ${child.pid}) ${how}, unexpectedly. Still running: ${alive.map((c) => c.name).join(', ') || 'nothing'}.`)
      if (name.startsWith('node-')) {
        const nodesLeft = alive.filter((c) => c.name.startsWith('node-'))
        complain(
          nodesLeft.length > 0
            ? `Browsers on ${name} reconnect through nginx to ${nodesLeft.map((c) => c.name).join(', ')} and re-send what was not yet saved.`
            : 'No server node is left: browsers show "Offline" and keep their edits until one is back.'
        )
      } else if (name === 'redis') {
        complain('Without Redis the nodes cannot save: browsers show "Salvataggio in pausa" and keep their edits.')
      } else if (name === 'nginx') {
        complain(`Nothing answers on port ${publicPort} any more; the nodes are still reachable directly.`)
      }
      if (alive.length === 0) {
        complain('Every process has exited; stopping.')
        process.exit(1)
      }
    })
  })
  prefixLines(child.stdout, name, process.stdout)
  prefixLines(child.stderr, name, process.stderr)
  children.push(entry)
  return entry
}

async function stopChild(entry, signal) {
  if (entry.exited) return
  try {
    process.kill(entry.child.pid, signal)
  } catch {}
  const timer = setTimeout(() => {
    complain(`${entry.name} did not stop in 10 s; sending SIGKILL`)
    try {
      process.kill(entry.child.pid, 'SIGKILL')
    } catch {}
  }, 10_000)
  await entry.exit
  clearTimeout(timer)
}

async function stopAll(reason) {
  if (stopping) return
  stopping = true
  if (reason) say(reason)
  const find = (prefix) => children.filter((c) => c.name.startsWith(prefix))
  // nginx: SIGTERM is its fast shutdown (SIGQUIT would wait up to an hour for open WebSockets).
  await Promise.all(find('nginx').map((c) => stopChild(c, 'SIGTERM')))
  await Promise.all(find('node-').map((c) => stopChild(c, 'SIGTERM')))
  await Promise.all(find('redis').map((c) => stopChild(c, 'SIGTERM')))
  say('stopped')
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) {
      complain(`${signal} again: killing what is left`)
      process.exit(1) // the 'exit' handler below sends SIGKILL to every child still running
    }
    stopAll(`${signal}: stopping nginx, the nodes${ownRedis ? ' and Redis' : ''}…`).then(() => process.exit(0))
  })
}
// `kill <npm pid>` stops npm and its shell but not this script (the shell does not pass signals
// on): when whoever started us is gone, stop too rather than leave the cluster running unowned.
const parentPid = process.ppid
setInterval(() => {
  if (process.ppid !== parentPid) stopAll(`the process that started the cluster (pid ${parentPid}) has gone: stopping…`).then(() => process.exit(0))
}, 1000).unref()
// Last resort (an exception in this script): never leave detached children behind.
process.on('exit', () => {
  for (const c of children)
    if (!c.exited)
      try {
        process.kill(c.child.pid, 'SIGKILL')
      } catch {}
})

async function waitFor(entry, check, what, ms) {
  const started = Date.now()
  while (!(await check())) {
    if (entry.exited) throw new Error(`${entry.name} exited while starting (${what})`)
    if (Date.now() - started > ms) throw new Error(`${what} did not answer in ${ms / 1000} s`)
    await sleep(50)
  }
  return Date.now() - started
}

function nginxConfig() {
  const abs = (p) => join(clusterDir, p)
  const runningAsRoot = process.getuid?.() === 0
  return `# Written by scripts/start-cluster.mjs on every start; edit the script, not this file.
daemon off;
${runningAsRoot ? '# As root, workers would run as "nobody" and could not write the temp paths below.\nuser root;\n' : ''}worker_processes 1;
pid ${abs('nginx.pid')};
error_log ${abs('nginx-error.log')} notice;

events {
  worker_connections 1024;
}

http {
  access_log ${abs('nginx-access.log')};
  client_body_temp_path ${abs('nginx-tmp/client_body')};
  proxy_temp_path ${abs('nginx-tmp/proxy')};
  fastcgi_temp_path ${abs('nginx-tmp/fastcgi')};
  uwsgi_temp_path ${abs('nginx-tmp/uwsgi')};
  scgi_temp_path ${abs('nginx-tmp/scgi')};

  # "Connection: upgrade" only when the browser asks for a WebSocket.
  map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
  }

  # ip_hash: Socket.IO's first requests are HTTP long-polling, and every one of them must reach
  # the node that holds that session. A node that stops answering is skipped.
  upstream opificio {
    ip_hash;
${nodePorts.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
  }

  server {
    listen ${process.env.HOST ? `${process.env.HOST}:` : ''}${publicPort};

    location / {
      proxy_pass http://opificio;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # An idle board keeps its WebSocket open; Socket.IO pings every 25 s anyway.
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }
  }
}
`
}

try {
  mkdirSync(redisDir, { recursive: true })
  mkdirSync(join(clusterDir, 'nginx-tmp'), { recursive: true })

  if (ownRedis) {
    const redis = start('redis', redisBin, [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--protected-mode',
      'no',
      '--dir',
      redisDir,
      '--logfile',
      join(redisDir, 'redis.log'),
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
    ])
    await waitFor(redis, () => redisAnswers(redisPort), `Redis on port ${redisPort}`, 10_000)
    say(`redis     pid ${redis.child.pid}  ${redisUrl}  (appendonly yes, appendfsync always; data and log in ${rel(redisDir)})`)
  } else {
    const shown = new URL(redisUrl)
    if (shown.password) shown.password = '***'
    say(`redis     not started: the nodes use REDIS_URL=${shown}`)
  }

  const nodes = nodePorts.map((port) =>
    start(`node-${port}`, process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', 'server/src/main.ts'], {
      cwd: root,
      // nginx on this host forwards every request: its X-Forwarded-For names the browser.
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redisUrl, TRUST_PROXY: 'loopback' },
    })
  )
  await Promise.all(nodes.map((n, i) => waitFor(n, () => answersHttp(`http://127.0.0.1:${nodePorts[i]}/healthz`), `${n.name}'s /healthz`, 60_000)))
  for (const [i, n] of nodes.entries()) say(`${n.name.padEnd(9)} pid ${n.child.pid}  http://127.0.0.1:${nodePorts[i]}`)

  const configPath = join(clusterDir, 'nginx.conf')
  writeFileSync(configPath, nginxConfig())
  const nginxArgs = ['-c', configPath, '-p', `${clusterDir}/`, '-e', join(clusterDir, 'nginx-error.log')]
  const test = spawnSync(nginxBin, [...nginxArgs, '-t', '-q'], { encoding: 'utf8' })
  if (test.status !== 0) throw new Error(`nginx rejects ${rel(configPath)}:\n${test.stderr}`)
  const nginx = start('nginx', nginxBin, nginxArgs)
  await waitFor(nginx, () => answersHttp(`http://127.0.0.1:${publicPort}/healthz`), `nginx on port ${publicPort}`, 10_000)
  say(
    `nginx     pid ${nginx.child.pid}  :${publicPort} → ip_hash over ${nodePorts.join(', ')}  (config ${rel(configPath)}, logs in ${rel(clusterDir)})`
  )

  running = true
  console.log('')
  say(`Open http://localhost:${publicPort}  — Ctrl-C stops everything.`)
  say(`Every browser on this machine has the same IP, so ip_hash sends them all to one node; open`)
  say(`http://127.0.0.1:${nodePorts[1]}/b/<id> to edit the same board on the other node. Try \`kill -9 <node pid>\`:`)
  say(`the browsers reconnect through nginx to the node that is left.`)
} catch (e) {
  complain(`could not start the cluster: ${e instanceof Error ? e.message : e}`)
  await stopAll()
  process.exit(1)
}
