import { LIMITS } from '@opificio/shared'
import express from 'express'
import { createServer, type Server as HttpServer } from 'node:http'
import { Server, type ServerOptions } from 'socket.io'
import { apiRouter, BOARD_CREATION_LIMIT } from './boards/routes.ts'
import type { RateLimit } from './limits/requestBudget.ts'
import { clientAppRouter } from './http/clientApp.ts'
import { originOf, socketOriginCheck } from './http/origins.ts'
import { securityHeaders } from './http/securityHeaders.ts'
import { adapterPresenceBus } from './sync/rooms/presenceBus.ts'
import { adapterRevocationBus } from './sync/rooms/revocationBus.ts'
import { InboundLimits, type InboundLimitOptions } from './limits/inboundLimits.ts'
import { RoomManager, type RoomManagerOptions } from './sync/rooms/roomManager.ts'
import { socketIoFanOut } from './sync/transport/fanOut.ts'
import { LoopPressure } from './sync/rooms/loopPressure.ts'
import type { StorageEngine } from './storage/types.ts'
import { attachTransport } from './sync/transport/transport.ts'
import { consoleLogger, type Logger } from './observability/logger.ts'
import { meteredStorage } from './observability/meteredStorage.ts'
import { batchWeighingParser } from './observability/batchEncoder.ts'
import { Metrics } from './observability/metrics.ts'
import { Readiness, type ReadinessCheck } from './observability/readiness.ts'
import { requestLog } from './observability/requestLog.ts'
import type { TrustProxy } from './config/config.ts'

export interface AppOptions {
  storage: StorageEngine
  clientDist: string
  tldrawLicenseKey?: string | null
  /**
   * Public URLs of every node, for deployments without a load balancer: browsers then move to
   * another node by themselves when theirs goes away.
   */
  serverUrls?: string[] | null
  /** The address people open (behind a proxy, e.g. https://opificio.comune.example): its pages may connect. */
  publicUrl?: string | null
  /** Boards one client address may create: `burst` at once, then `perSecond`. */
  boardCreationLimit?: RateLimit
  room?: Omit<RoomManagerOptions, 'bus' | 'revocations' | 'logger'>
  /** Rate limits on what clients send; the defaults are sized so that no honest client meets them. */
  limits?: Partial<InboundLimitOptions>
  /** Where everything the server says goes; the console by default. */
  logger?: Logger
  /** The Socket.IO adapter linking several nodes (Redis); presence then crosses nodes too. */
  adapter?: ServerOptions['adapter']
  /** Closed with the app (Redis connections of the adapter). */
  onClose?: () => Promise<void>
  /** What `/metrics` reports; the app's own counters by default, without the process's. */
  metrics?: Metrics
  /** What `/readyz` checks besides the node not stopping: storage, Redis. */
  readiness?: ReadinessCheck[]
  /** Express's `trust proxy`: whose X-Forwarded-For names the client (TRUST_PROXY). Nobody's by default. */
  trustProxy?: TrustProxy
}

export interface App {
  http: HttpServer
  io: Server
  rooms: RoomManager
  metrics: Metrics
  listen(port: number, host?: string): Promise<number>
  /** The start of a stop: `/readyz` says not ready, and no new connection is accepted. */
  drain(): void
  /** Ends every connection (clients reconnect, to another node if there is one), lets storage writes finish, closes storage. */
  close(): Promise<void>
}

export function createApp(opts: AppOptions): App {
  const logger = opts.logger ?? consoleLogger
  const serverUrls = opts.serverUrls?.length ? opts.serverUrls : null
  const siblingOrigins = (serverUrls ?? []).map((u) => originOf(u, 'SERVER_URLS'))
  const publicOrigins = opts.publicUrl ? [originOf(opts.publicUrl, 'PUBLIC_URL')] : []

  const metrics = opts.metrics ?? new Metrics()
  const storage = meteredStorage(opts.storage, metrics)
  const readiness = new Readiness(opts.readiness ?? [], logger)
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', opts.trustProxy ?? false)
  app.use(requestLog(logger))
  app.use(securityHeaders(siblingOrigins))
  const http = createServer(app)
  const io = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: LIMITS.messageBytes,
    adapter: opts.adapter,
    // A page served by one node may connect to its siblings, and only to them.
    cors: serverUrls ? { origin: siblingOrigins } : undefined,
    allowRequest: socketOriginCheck([...publicOrigins, ...siblingOrigins]),
    parser: batchWeighingParser(metrics),
  })
  const bus = opts.adapter ? adapterPresenceBus(io) : undefined
  const revocations = opts.adapter ? adapterRevocationBus(io) : undefined
  const pressure = new LoopPressure()
  const rooms = new RoomManager(storage, {
    logger,
    bus,
    revocations,
    fanOut: socketIoFanOut(io),
    stretch: () => pressure.stretch(),
    ...opts.room,
  })
  attachTransport(io, rooms, new InboundLimits(opts.limits), logger, metrics)
  metrics.observe({ connections: () => io.of('/').sockets.size, boardsOpen: () => rooms.size })
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true })
  })
  app.get('/readyz', async (_req, res) => {
    const state = await readiness.state()
    res.status(state.ready ? 200 : 503).json(state)
  })
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.text())
  })
  app.use(
    '/api',
    apiRouter({
      storage,
      rooms,
      publicOrigin: publicOrigins[0] ?? null,
      tldrawLicenseKey: opts.tldrawLicenseKey ?? null,
      serverUrls,
      boardCreationLimit: opts.boardCreationLimit ?? BOARD_CREATION_LIMIT,
      logger,
    })
  )
  app.use(clientAppRouter(opts.clientDist))

  return {
    http,
    io,
    rooms,
    metrics,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        http.once('error', reject)
        http.listen(port, host, () => {
          const address = http.address()
          resolve(typeof address === 'object' && address ? address.port : port)
        })
      })
    },
    drain() {
      readiness.drain()
      if (http.listening) http.close()
    },
    async close() {
      await rooms.close()
      pressure.close()
      // Browsers hold HTTP connections open (keep-alive, a request in flight); closing waits for
      // them a moment, then ends them, so a stop takes a second, not as long as a browser likes.
      const force = setTimeout(() => http.closeAllConnections(), 1000)
      await new Promise<void>((resolve) => io.close(() => resolve()))
      clearTimeout(force)
      await storage.settled()
      await storage.close()
      await opts.onClose?.()
    },
  }
}
