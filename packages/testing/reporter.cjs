'use strict';
// Mocha reporter for mixprec: the spec reporter's output, plus a machine-readable
// summary written to $MIXPREC_RESULTS_DIR/<package>.json so the root test runner
// can print one `N passed, N failed` line for the whole monorepo.
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class MixprecReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const counts = { passed: 0, failed: 0, pending: 0, failures: [] };
    runner.on(EVENT_TEST_PASS, () => { counts.passed++; });
    runner.on(EVENT_TEST_PENDING, () => { counts.pending++; });
    runner.on(EVENT_TEST_FAIL, (test) => { counts.failed++; counts.failures.push(test.fullTitle()); });
    runner.once(EVENT_RUN_END, () => {
      const dir = process.env.MIXPREC_RESULTS_DIR;
      if (!dir) return;
      let name = path.basename(process.cwd());
      try { name = JSON.parse(fs.readFileSync('package.json', 'utf8')).name.replace(/[@/]/g, '_'); } catch { /* keep dir name */ }
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(counts, null, 2));
    });
  }
}
module.exports = MixprecReporter;
