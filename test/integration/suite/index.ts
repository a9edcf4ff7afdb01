/**
 * The test runner that VS Code's extension host loads (as `extensionTestsPath`) and whose `run()`
 * it calls once the extension under development is loaded. It runs the test files named by the
 * launcher with mocha, writes the counts to the launcher's result file and prints mocha's report
 * (marked, when the launcher asks, so that it can pick it out of the workbench's log). Every
 * `*.test.ts` file of this folder is bundled into this module.
 *
 * Test files import `suite`, `test`, `suiteSetup`, … from 'mocha'. Files named
 * `*.untrusted.test.ts` run in a workspace that is not trusted (restricted mode); the others in
 * a trusted one.
 */
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';
import { TEST_FILES_ENV, TEST_OUTPUT_MARKER_ENV, TEST_RESULT_ENV, type SuiteResult } from '../hostProtocol';

/** Prints like console.log, after the launcher's marker if it asked for one. */
function print(...args: unknown[]): void {
  const marker = process.env[TEST_OUTPUT_MARKER_ENV];
  if (marker === undefined) console.log(...args);
  else console.log(marker, ...args);
}

function loadTestFile(name: string): void {
  try {
    // esbuild bundles every file this pattern can match; `require` loads it at once, so its tests exist before Mocha runs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(`./${name}.test.ts`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Module not found in bundle')) {
      throw new Error(`${name}.test.ts is not in the test bundle: run the build (npm run build)`, { cause: error });
    }
    throw error;
  }
}

async function runMocha(names: string[]): Promise<SuiteResult> {
  if (names.length === 0) throw new Error(`${TEST_FILES_ENV} names no test file`);
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  // Mocha's reporters print through this. (The extension host's console methods cannot be replaced.)
  Mocha.reporters.Base.consoleLog = print;
  // What `mocha.loadFiles` does for files on disk: the interface defines suite(), test(), …
  // around the require of each file.
  for (const name of names) {
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, name, mocha);
    loadTestFile(name);
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_POST_REQUIRE, globalThis, name, mocha);
  }
  const stats = await new Promise<Mocha.Stats>((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats as Mocha.Stats));
  });
  return { passed: stats.passes, failed: stats.failures, pending: stats.pending };
}

/** Called by the extension host; rejects when a test fails, which fails the test session. */
export async function run(): Promise<void> {
  const names = (process.env[TEST_FILES_ENV] ?? '').split(',').filter((name) => name !== '');
  let result: SuiteResult;
  try {
    result = await runMocha(names);
  } catch (error) {
    print('The integration test runner failed:', error);
    result = { passed: 0, failed: 1, pending: 0 };
  }
  const resultFile = process.env[TEST_RESULT_ENV];
  if (resultFile !== undefined) writeFileSync(resultFile, JSON.stringify(result));
  if (result.failed > 0) throw new Error(`${result.failed} integration test(s) failed`);
}
