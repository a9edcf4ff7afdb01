/** Where the VS Code tooling keeps its files, relative to the repository. */
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');

/** Installed code-server builds, one folder per version (ignored by git). */
export const CODE_SERVER_CACHE = join(REPO_ROOT, '.code-server');

/** Screenshots and logs of the VS Code tests (ignored by git). */
export const TEST_ARTIFACTS = join(REPO_ROOT, '.test-artifacts');
