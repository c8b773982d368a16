// Preloaded into a server process by the join scenario (NODE_OPTIONS=--expose-gc --import=…):
// on SIGUSR2 it collects garbage and prints what the process then holds, so that the bench can
// tell how much one open board costs without a hook in the server.
process.on('SIGUSR2', () => {
  globalThis.gc()
  const { heapUsed, rss } = process.memoryUsage()
  process.stdout.write(`bench-memory ${JSON.stringify({ heapUsed, rss })}\n`)
})
