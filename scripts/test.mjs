// `npm test`: gets the machine ready (system packages, code-server), builds, runs every test
// suite, and ends with one line "N passed, N failed" over all of them.
//   lint         the type check of each runtime (npm run typecheck), ESLint, and Prettier's check; one count each
//   unit         test/unit/*.test.ts, Node's test runner
//   integration  test/integration/suite/*.test.ts in VS Code's extension host (test/integration/run.ts)
//   ui           test/ui/*.test.ts, Playwright in VS Code in the browser
//   package      npm run package, then test/ui/packaged/*.test.ts on the installed .vsix
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const temp = mkdtempSync(join(tmpdir(), 'rnn-lab-test-'));

/** Runs a command with its output shown; true when it succeeded. */
function run(command, args) {
  return spawnSync(command, args, { stdio: 'inherit' }).status === 0;
}

/** The `*.test.ts` files of a folder, sorted. */
function testFiles(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(dir, f));
}

/** A step that is not a test suite but fails the run when it fails (the set-up, the build). */
function step(name, ok) {
  return { name, passed: 0, failed: ok ? 0 : 1 };
}

/** Runs each check (an npm script) and counts it as one passed or failed test. */
function runChecks(name, scripts) {
  const results = scripts.map((script) => run('npm', ['run', '--silent', script]));
  return { name, passed: results.filter(Boolean).length, failed: results.filter((ok) => !ok).length };
}

/** Runs Node's test runner on the files, shows its report, and counts the results. */
function runNodeTests(name, files) {
  if (files.length === 0) return step(`${name} (no test files)`, false);
  const tap = join(temp, `${name}.tap`);
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=1',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { stdio: 'inherit' },
  );
  const report = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (label) => Number(report.match(new RegExp(`^# ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
  const passed = count('pass');
  // A crashed runner counts as a failure even when it reported none.
  const failed = count('fail') + count('cancelled') + (result.status !== 0 && count('fail') === 0 ? 1 : 0);
  return { name, passed, failed };
}

/** Runs the integration launcher, which writes its counts to a summary file. */
function runIntegrationTests() {
  const summary = join(temp, 'integration.json');
  const ok = run(process.execPath, ['--import', 'tsx', 'test/integration/run.ts', '--summary', summary]);
  if (!existsSync(summary)) return step('integration', false);
  const { passed, failed } = JSON.parse(readFileSync(summary, 'utf8'));
  return { name: 'integration', passed, failed: failed + (ok || failed > 0 ? 0 : 1) };
}

/** Runs one stage under a heading and notes how long it took. */
function stage(name, body) {
  console.log(`\n== ${name} ==`);
  const started = Date.now();
  const result = body();
  return { ...result, seconds: Math.round((Date.now() - started) / 1000) };
}

const suites = [];
// Without the system packages or code-server nothing below can run: stop at once, with what to do.
const setUp = stage('set-up', () => step('set-up', run(process.execPath, ['--import', 'tsx', 'scripts/vscode/setup.ts'])));
suites.push(setUp);
if (setUp.failed === 0) {
  const build = stage('build', () => step('build', run(process.execPath, ['esbuild.mjs'])));
  suites.push(build);
  suites.push(stage('lint', () => runChecks('lint', ['typecheck', 'lint:eslint', 'lint:prettier'])));
  suites.push(stage('unit', () => runNodeTests('unit', testFiles('test/unit'))));
  if (build.failed === 0) {
    suites.push(stage('integration', runIntegrationTests));
    suites.push(stage('ui', () => runNodeTests('ui', testFiles('test/ui'))));
    // Last: packaging leaves the production build in dist/.
    suites.push(stage('package', () => (run('npm', ['run', 'package']) ? runNodeTests('package', testFiles('test/ui/packaged')) : step('package', false))));
  }
}

console.log('');
for (const suite of suites) {
  console.log(`${suite.name}: ${suite.passed} passed, ${suite.failed} failed (${suite.seconds} s)`);
}
const passed = suites.reduce((sum, s) => sum + s.passed, 0);
const failed = suites.reduce((sum, s) => sum + s.failed, 0);
rmSync(temp, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
