import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Prints "N passed, N failed, N skipped" alone as the last line: CI reads that plain line to count
 * tests exactly (vitest's own summary is formatted differently).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that fails to load has no tests to count; it must still show as a failure.
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
    }
    // An error thrown outside any test (e.g. a leaked rejection) fails vitest's run: count it, so the
    // line never reads green for a red run.
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
