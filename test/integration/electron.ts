/**
 * Runs the integration tests in the desktop VS Code with `@vscode/test-electron`, which
 * downloads VS Code (into `.vscode-test/`) and so needs the internet; `npm test` uses
 * code-server instead (`run.ts`). The same sessions, test bundle and result file as `run.ts`.
 * On Linux without a display, run it under `xvfb-run -a`.
 *
 * Usage: node --import tsx test/integration/electron.ts [NAME …]   (NAME filters test files)
 *   VSCODE_VERSION  the VS Code to download: 1.96.4 (the oldest `engines.vscode` allows) by default
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { REPO_ROOT } from '../../scripts/vscode/paths';
import { QUIET_USER_SETTINGS, writeUserSettings } from '../../scripts/vscode/settings';
import { TEST_FILES_ENV, TEST_RESULT_ENV, type SuiteResult } from './hostProtocol';
import { TEST_GATE_ENV } from '../../src/engine/train/testGate';
import { copyFixtureWorkspace, TEST_BUNDLE, testGateDir, testSessions, type TestSession } from './sessions';

async function runSession(session: TestSession, vscodeExecutablePath: string): Promise<SuiteResult> {
  console.log(`\n-- ${session.name} workspace: ${session.files.join(', ')}`);
  const temp = mkdtempSync(join(tmpdir(), `rnn-lab-electron-${session.name}-`));
  const resultFile = join(temp, 'result.json');
  const userDataDir = join(temp, 'user-data');
  writeUserSettings(userDataDir, QUIET_USER_SETTINGS);
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: TEST_BUNDLE,
      extensionTestsEnv: { [TEST_FILES_ENV]: session.files.join(','), [TEST_RESULT_ENV]: resultFile, [TEST_GATE_ENV]: testGateDir(temp) },
      launchArgs: [
        copyFixtureWorkspace(join(temp, 'workspace')),
        '--user-data-dir',
        userDataDir,
        '--extensions-dir',
        join(temp, 'extensions'),
        '--disable-extensions',
        ...(session.trusted ? ['--disable-workspace-trust'] : []),
      ],
    });
  } catch (error) {
    // runTests rejects when VS Code exits with a non-zero code, which failing tests cause.
    console.error(error);
  }
  const result: SuiteResult = existsSync(resultFile) ? (JSON.parse(readFileSync(resultFile, 'utf8')) as SuiteResult) : { passed: 0, failed: 1, pending: 0 };
  rmSync(temp, { recursive: true, force: true });
  return result;
}

async function main(): Promise<number> {
  if (!existsSync(TEST_BUNDLE)) throw new Error(`${TEST_BUNDLE} is missing: run the build first (npm run build)`);
  const vscodeExecutablePath = await downloadAndUnzipVSCode(process.env.VSCODE_VERSION ?? '1.96.4');
  let passed = 0;
  let failed = 0;
  for (const session of testSessions(process.argv.slice(2))) {
    const result = await runSession(session, vscodeExecutablePath);
    passed += result.passed;
    failed += result.failed;
  }
  console.log(`\nintegration (desktop VS Code): ${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
