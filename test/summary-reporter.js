// Prints one plain closing line, `jest: N passed, N failed, N skipped`, that CI reads whatever
// runner it recognises; with LIAISON_TEST_SUMMARY set, also appends the counts to that file so
// test/run.sh can total its phases.
const { appendFileSync } = require('fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests: passed, numPendingTests: skipped } = results;
    // A suite that failed to run at all counts as a failure even with no failed test.
    const failed = results.numFailedTests + (results.numFailedTests === 0 ? results.numFailedTestSuites : 0);
    process.stdout.write(`\njest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    if (process.env.LIAISON_TEST_SUMMARY) appendFileSync(process.env.LIAISON_TEST_SUMMARY, `${passed} ${failed} ${skipped}\n`);
  }
}
module.exports = SummaryReporter;
