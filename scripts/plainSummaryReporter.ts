import type { Reporter, TestModule } from 'vitest/node'

/** Ends the run with the plain "N passed, N failed" line that any CI can read, whatever the runner. */
export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const m of modules) {
      for (const test of m.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++
    }
    console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`)
  }
}
