/**
 * What the integration launchers and the test runner inside the extension host
 * (`suite/index.ts`) agree on. The launchers pass these environment variables to VS Code,
 * whose extension host inherits them.
 */

/** Comma-separated test file names, without `.test.ts` (e.g. `activation,restricted.untrusted`). */
export const TEST_FILES_ENV = 'RNN_LAB_TEST_FILES';

/** The JSON file where the runner writes its {@link SuiteResult}. */
export const TEST_RESULT_ENV = 'RNN_LAB_TEST_RESULT';

/**
 * When set, the runner prints its report (mocha's) with this value as the first argument. In
 * code-server the extension host's console reaches the page console mixed with the workbench's
 * own log, and the marker tells them apart.
 */
export const TEST_OUTPUT_MARKER_ENV = 'RNN_LAB_TEST_OUTPUT_MARKER';

/** The counts of one test session. */
export interface SuiteResult {
  passed: number;
  failed: number;
  pending: number;
}
