import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/** What the gauges read when Prometheus scrapes: counted where they live, never kept twice. */
export interface MetricSources {
  connections(): number
  boardsOpen(): number
}

/**
 * The node's Prometheus metrics (`GET /metrics`), each documented in README's "Running in
 * production". Every app has its own registry, so tests running several apps in one process
 * count apart.
 */
export class Metrics {
  readonly registry = new Registry()
  private readonly pushes: Counter
  private readonly rejected: Counter<'code'>
  private readonly ackLatency: Histogram
  private readonly flushBytes: Histogram
  private readonly storageErrors: Counter<'operation'>
  private readonly redisErrors: Counter
  private sources: MetricSources = { connections: () => 0, boardsOpen: () => 0 }

  /** `process`: also the process's own metrics (event-loop lag, memory, CPU), for the one app a process runs. */
  constructor(opts: { process?: boolean } = {}) {
    const registers = [this.registry]
    if (opts.process) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 })
    const sources = () => this.sources
    new Gauge({
      name: 'opificio_connections',
      help: 'Socket.IO connections open on this node',
      registers,
      collect() {
        this.set(sources().connections())
      },
    })
    new Gauge({
      name: 'opificio_boards_open',
      help: 'Boards loaded on this node (a board stays loaded a minute after its last person left)',
      registers,
      collect() {
        this.set(sources().boardsOpen())
      },
    })
    this.pushes = new Counter({ name: 'opificio_pushes_total', help: 'Pushes (edits) received from clients', registers })
    this.rejected = new Counter({
      name: 'opificio_pushes_rejected_total',
      help: 'Pushes refused, by refusal code (forbidden, locked, board-full, ...)',
      labelNames: ['code'],
      registers,
    })
    this.ackLatency = new Histogram({
      name: 'opificio_ack_latency_seconds',
      help: "From a push's arrival to its acknowledgement leaving (stored durably and folded)",
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
      registers,
    })
    this.flushBytes = new Histogram({
      name: 'opificio_flush_bytes',
      help: "Bytes of each batch as encoded: a flush's broadcast once for all the clients it reaches, a batch with a client's own acks once for that client",
      buckets: [128, 512, 2048, 8192, 32_768, 131_072, 524_288, 2_097_152],
      registers,
    })
    this.storageErrors = new Counter({
      name: 'opificio_storage_errors_total',
      help: 'Storage operations that failed, by operation (append, load, compact, ...)',
      labelNames: ['operation'],
      registers,
    })
    this.redisErrors = new Counter({
      name: 'opificio_redis_errors_total',
      help: 'Errors on Redis connections (each failed reconnection counts)',
      registers,
    })
  }

  observe(sources: MetricSources) {
    this.sources = sources
  }

  pushReceived() {
    this.pushes.inc()
  }

  pushAcked(ms: number) {
    this.ackLatency.observe(ms / 1000)
  }

  pushRejected(code: string) {
    this.rejected.inc({ code })
  }

  flushed(bytes: number) {
    this.flushBytes.observe(bytes)
  }

  storageError(operation: string) {
    this.storageErrors.inc({ operation })
  }

  redisError() {
    this.redisErrors.inc()
  }

  get contentType(): string {
    return this.registry.contentType
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }
}
