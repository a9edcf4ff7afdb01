// `npm test`: runs every test suite and ends with one line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs Node's test runner on the files, shows its report, and counts the results. */
function runNodeTests(name, files) {
  const tap = join(mkdtempSync(join(tmpdir(), 'rnn-lab-test-')), `${name}.tap`);
  console.log(`\n== ${name} tests ==`);
  const result = spawnSync(
    process.execPath,
    [
      '--import', 'tsx',
      '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { stdio: 'inherit' },
  );
  const report = readFileSync(tap, 'utf8');
  const count = (label) => Number(report.match(new RegExp(`^# ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
  const passed = count('pass');
  // A crashed runner counts as a failure even when it reported none.
  const failed = count('fail') + count('cancelled') + (result.status !== 0 && count('fail') === 0 ? 1 : 0);
  return { name, passed, failed };
}

const unitFiles = readdirSync('test/unit').filter((f) => f.endsWith('.test.ts')).sort().map((f) => join('test/unit', f));
const suites = [runNodeTests('unit', unitFiles)];

console.log('');
for (const suite of suites) {
  console.log(`${suite.name}: ${suite.passed} passed, ${suite.failed} failed`);
}
const passed = suites.reduce((sum, s) => sum + s.passed, 0);
const failed = suites.reduce((sum, s) => sum + s.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
