export interface PdfJobOptions {
  signal?: AbortSignal
  onProgress?(done: number, total: number): void
}

/** Tracks a long export: how far it is, whether it was cancelled, and when to let the page breathe. */
export class PdfJob {
  private done = 0

  constructor(
    private readonly total: number,
    private readonly options: PdfJobOptions
  ) {}

  /** Counts finished work; throws if the export was cancelled meanwhile. */
  advance(steps = 1): void {
    this.checkCancelled()
    this.done += steps
  }

  /**
   * Reports progress and yields to the event loop, so the progress bar repaints and a click on
   * "cancel" gets through; called once per page, not per row, to keep the export fast.
   */
  async pause(): Promise<void> {
    this.checkCancelled()
    this.options.onProgress?.(Math.min(this.done, this.total), this.total)
    await new Promise((resolve) => setTimeout(resolve, 0))
    this.checkCancelled()
  }

  checkCancelled(): void {
    if (this.options.signal?.aborted) throw new DOMException('The PDF export was cancelled', 'AbortError')
  }
}
