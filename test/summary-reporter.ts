// Prints the closing line CI reads ("N passed, N failed, N skipped") and every skip's stated reason.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skips: string[] = [];
    for (const mod of testModules) {
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++; // a file that failed to load
      for (const test of mod.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        else if (result.state === 'failed') failed++;
        else {
          skipped++;
          const note = result.state === 'skipped' ? result.note : undefined;
          skips.push(`${mod.moduleId.split('/test/').pop()} › ${test.fullName}${note ? ` — ${note}` : ''}`);
        }
      }
    }
    if (skips.length) console.log(`\nSkipped tests and why:\n${skips.map((s) => `  ${s}`).join('\n')}`);
    console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
