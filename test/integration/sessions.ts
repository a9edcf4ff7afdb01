/**
 * The integration test sessions, shared by the code-server launcher (`run.ts`) and the desktop
 * one (`electron.ts`). Each session gets a fresh copy of `test/fixtures/workspace/`.
 */
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/vscode/paths';

/** The test runner bundle (`suite/index.ts` and every `suite/*.test.ts`), built by `npm run build`. */
export const TEST_BUNDLE = join(REPO_ROOT, 'dist', 'test', 'integration.js');

const SUITE_DIR = join(REPO_ROOT, 'test', 'integration', 'suite');
const FIXTURE_WORKSPACE = join(REPO_ROOT, 'test', 'fixtures', 'workspace');

export interface TestSession {
  name: 'trusted' | 'untrusted';
  /** False: workspace trust stays on and the workspace opens in restricted mode. */
  trusted: boolean;
  /** Test file names without `.test.ts`. */
  files: string[];
}

/**
 * `trusted` runs the test files not named `*.untrusted.test.ts`, `untrusted` runs those; only
 * files whose name contains one of `filters` (all when empty), and only sessions with files.
 */
export function testSessions(filters: string[]): TestSession[] {
  const names = readdirSync(SUITE_DIR)
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => file.slice(0, -'.test.ts'.length))
    .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
    .sort();
  const untrusted = (name: string) => name.endsWith('.untrusted');
  const sessions: TestSession[] = [
    { name: 'trusted', trusted: true, files: names.filter((name) => !untrusted(name)) },
    { name: 'untrusted', trusted: false, files: names.filter(untrusted) },
  ];
  return sessions.filter((session) => session.files.length > 0);
}

/** Copies the fixture workspace to `destination` and returns it. */
export function copyFixtureWorkspace(destination: string): string {
  cpSync(FIXTURE_WORKSPACE, destination, { recursive: true });
  return destination;
}

/** A session's folder of test gates (see `src/engine/train/testGate.ts`), created empty under `temp`. */
export function testGateDir(temp: string): string {
  const dir = join(temp, 'gates');
  mkdirSync(dir, { recursive: true });
  return dir;
}
