/**
 * Runs the integration tests (`suite/*.test.ts`, bundled into `dist/test/integration.js` by the
 * build) inside a real VS Code: code-server with the extension loaded from the build as an
 * extension under development, opened in headless Chromium. The extension host calls the
 * bundle's `run()`, like `@vscode/test-electron` does in the desktop VS Code.
 *
 * Each session of `sessions.ts` (trusted, untrusted) gets its own code-server, with fresh user
 * data and extensions folders and a fresh copy of the fixture workspace.
 *
 * Usage: node --import tsx test/integration/run.ts [--summary FILE] [NAME …]
 *   NAME      run only the test files whose name contains NAME
 *   --summary write {"passed":N,"failed":N} to FILE
 * Exit code 0 when every test passed. Logs go to `.test-artifacts/integration/`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, parseArgs } from 'node:util';
import type { ConsoleMessage } from 'playwright-core';
import { launchBrowser, type HeadlessBrowser } from '../../scripts/vscode/browser';
import { ensureCodeServer } from '../../scripts/vscode/codeServer';
import { linkDevelopmentExtension } from '../../scripts/vscode/developmentExtension';
import { TEST_ARTIFACTS } from '../../scripts/vscode/paths';
import { startCodeServer, workbenchUrl } from '../../scripts/vscode/server';
import { QUIET_USER_SETTINGS } from '../../scripts/vscode/settings';
import { TEST_FILES_ENV, TEST_OUTPUT_MARKER_ENV, TEST_RESULT_ENV, type SuiteResult } from './hostProtocol';
import { TEST_GATE_ENV } from '../../src/engine/train/testGate';
import { copyFixtureWorkspace, TEST_BUNDLE, testGateDir, testSessions, type TestSession } from './sessions';

const SESSION_TIMEOUT_MS = 10 * 60_000;
/** Invisible, so that nothing shows if the workbench prints it. */
const OUTPUT_MARKER = '\u2063\u2064\u2063';

/** The text of a console message the test runner marked, or undefined for the workbench's own log. */
async function markedText(message: ConsoleMessage): Promise<string | undefined> {
  const args = await Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => '[unserializable]')));
  // The workbench logs as console.log('%c INFO', 'color: …', message, ...args).
  if (typeof args[0] === 'string' && args[0].startsWith('%c')) args.splice(0, 2);
  if (args[0] !== OUTPUT_MARKER) return undefined;
  return format(...args.slice(1));
}

function readResult(file: string): SuiteResult | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SuiteResult) : undefined;
}

async function runSession(session: TestSession, codeServer: string, browser: HeadlessBrowser): Promise<SuiteResult> {
  console.log(`\n-- ${session.name} workspace: ${session.files.join(', ')}`);
  const started = Date.now();
  const temp = mkdtempSync(join(tmpdir(), `rnn-lab-integration-${session.name}-`));
  const artifacts = join(TEST_ARTIFACTS, 'integration', session.name);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const workspace = copyFixtureWorkspace(join(temp, 'workspace'));
  const resultFile = join(temp, 'result.json');
  const server = await startCodeServer(codeServer, {
    workspace,
    userDataDir: join(temp, 'user-data'),
    extensionsDir: join(temp, 'extensions'),
    trustAllWorkspaces: session.trusted,
    userSettings: QUIET_USER_SETTINGS,
    env: {
      [TEST_FILES_ENV]: session.files.join(','),
      [TEST_RESULT_ENV]: resultFile,
      [TEST_OUTPUT_MARKER_ENV]: OUTPUT_MARKER,
      [TEST_GATE_ENV]: testGateDir(temp),
    },
    logFile: join(artifacts, 'code-server.log'),
  });
  const page = await browser.context.newPage();
  const consoleLog: string[] = [];
  let printing = Promise.resolve();
  page.on('console', (message) => {
    printing = printing.then(async () => {
      const text = await markedText(message);
      if (text === undefined) consoleLog.push(`[${message.type()}] ${message.text()}`);
      else console.log(text);
    });
  });
  try {
    // The workbench calls this with the test run's exit code, as it does in VS Code's smoke tests.
    let reportExit: (code: number) => void = () => {};
    const exitCode = new Promise<number>((resolve) => (reportExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), SESSION_TIMEOUT_MS).unref());
    await page.goto(
      workbenchUrl(server, {
        folder: workspace,
        extensionDevelopmentPath: linkDevelopmentExtension(join(temp, 'extension')),
        extensionTestsPath: TEST_BUNDLE,
      }),
    );
    const outcome = await Promise.race([exitCode, timeout]);
    await printing;
    const result = readResult(resultFile) ?? { passed: 0, failed: 0, pending: 0 };
    if (outcome === 'timeout') {
      console.log(`The ${session.name} session did not finish within ${SESSION_TIMEOUT_MS / 60_000} minutes`);
      result.failed += 1;
    } else if (outcome !== 0 && result.failed === 0) {
      console.log(`The ${session.name} session ended with exit code ${outcome} and no test result`);
      result.failed += 1;
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(`${session.name}: ${result.passed} passed, ${result.failed} failed in ${seconds} s`);
    if (result.failed > 0) console.log(`Workbench console and code-server log: ${artifacts}`);
    return result;
  } finally {
    writeFileSync(join(artifacts, 'console.log'), consoleLog.join('\n'));
    await page.close();
    await server.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { summary: { type: 'string' } }, allowPositionals: true });
  if (!existsSync(TEST_BUNDLE)) throw new Error(`${TEST_BUNDLE} is missing: run the build first (npm run build)`);
  const selected = testSessions(positionals);
  const codeServer = ensureCodeServer();
  const browser = await launchBrowser();
  const total: SuiteResult = { passed: 0, failed: 0, pending: 0 };
  try {
    for (const session of selected) {
      const result = await runSession(session, codeServer, browser);
      total.passed += result.passed;
      total.failed += result.failed;
      total.pending += result.pending;
    }
  } finally {
    await browser.close();
  }
  console.log(`\nintegration: ${total.passed} passed, ${total.failed} failed, ${total.pending} pending`);
  if (values.summary !== undefined) writeFileSync(values.summary, JSON.stringify({ passed: total.passed, failed: total.failed }));
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
