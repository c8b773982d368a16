import { EV, type WelcomeMessage, welcomeRecords } from '@opificio/shared'
import { join } from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { type BoardKey, createBoard, repoRoot, until } from '../../harness/server.ts'
import { type ServerProcess, spawnServer, stopServer } from '../../harness/serverProcess.ts'
import { type Latencies, latencies } from './dragStorm.ts'
import { freshHello } from './opificioWire.ts'
import { seedBoard } from './seedBoard.ts'

export interface JoinResult {
  /** Records the board holds (shapes and bindings, and a new board's own). */
  records: number
  /** How fast the server took the board in, through the protocol, in pushes of 2,000 records. */
  seededPerSecond: number
  /** The document as the welcome carries it. */
  documentKiB: number
  /** The first join after a restart: the board is read from storage. */
  coldMs: number
  /** Joins of a board already open: connect, hello, welcome received and its document parsed. */
  warm: Latencies
  /** What the server holds more with the board open (one session on it), after garbage collection. */
  heapPerBoardMiB: number
  rssPerBoardMiB: number
}

const PROBE = join(repoRoot, 'e2e/src/bench/load/memoryProbe.mjs')

/** The server's memory after a garbage collection, from memoryProbe.mjs. */
async function memory(server: ServerProcess): Promise<{ heapUsed: number; rss: number }> {
  const before = server.output().length
  server.child.kill('SIGUSR2')
  const line = () => /bench-memory (\{.*\})/.exec(server.output().slice(before))?.[1]
  await until(() => line() !== undefined, 'the memory probe', 10_000)
  return JSON.parse(line()!)
}

/** Connect, hello, and the welcome with its document parsed: what a browser does before it can draw. */
async function timedJoin(url: string, board: BoardKey): Promise<{ ms: number; socket: Socket; bytes: number }> {
  const t0 = performance.now()
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  const welcome = await new Promise<WelcomeMessage>((resolve, reject) => {
    // Loading a large board from storage takes seconds: the wait is for a server that stopped answering.
    const timer = setTimeout(() => reject(new Error('no welcome in 10 minutes')), 600_000)
    socket.once(EV.welcome, (w: WelcomeMessage) => {
      clearTimeout(timer)
      resolve(w)
    })
    socket.once(EV.fatal, (f: unknown) => reject(new Error(JSON.stringify(f))))
    socket.once('connect', () => socket.emit(EV.hello, freshHello(board)))
  })
  const records = welcomeRecords(welcome)
  const ms = performance.now() - t0
  if (!records) throw new Error('the welcome carried no document')
  return { ms, socket, bytes: welcome.document?.byteLength ?? 0 }
}

/**
 * A board of `size` records, built through the protocol, then joined on a freshly started server:
 * once cold (read from storage), then `joins` times while it is open; the server's memory before
 * the board was opened and while it is, after garbage collection.
 */
export async function joinScenario(size: number, joins: number): Promise<JoinResult> {
  const probed = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc --import=${PROBE}`.trim(), BOARD_CREATION_BURST: '100000' }
  const builder = await spawnServer({ env: probed })
  let board: BoardKey
  let seeded: { records: number; perSecond: number }
  try {
    board = (await createBoard(builder.url, 'Grande')).participant
    seeded = await seedBoard(builder.url, board, size)
  } finally {
    await stopServer(builder)
  }
  const server = await spawnServer({ dataDir: builder.dataDir, env: probed })
  try {
    const empty = await memory(server)
    const first = await timedJoin(server.url, board)
    const open = await memory(server)
    const warm: number[] = []
    for (let j = 0; j < joins; j++) {
      const again = await timedJoin(server.url, board)
      warm.push(again.ms)
      again.socket.disconnect()
    }
    first.socket.disconnect()
    const mib = (n: number) => n / 1024 / 1024
    return {
      records: seeded.records,
      seededPerSecond: seeded.perSecond,
      documentKiB: first.bytes / 1024,
      coldMs: first.ms,
      warm: latencies(warm),
      heapPerBoardMiB: mib(open.heapUsed - empty.heapUsed),
      rssPerBoardMiB: mib(open.rss - empty.rss),
    }
  } finally {
    await stopServer(server)
  }
}
