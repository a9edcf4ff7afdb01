/**
 * Gets a machine ready for the tests in one go: the missing system packages (one apt-get run
 * for code-server's build, the browser, the kernels' build check and PyTorch for the bridge's tests), then code-server. `npm test` runs it
 * first; exit code 1 with what to run when this cannot be done here.
 */
import { ensureCodeServer, isCodeServerInstalled } from './codeServer';
import {
  BROWSER_REQUIREMENTS,
  CODE_SERVER_REQUIREMENTS,
  ensureSystemPackages,
  KERNEL_BUILD_REQUIREMENTS,
  MissingSystemPackagesError,
  PYTORCH_REQUIREMENTS,
} from './systemPackages';

try {
  ensureSystemPackages([
    ...(isCodeServerInstalled() ? [] : CODE_SERVER_REQUIREMENTS),
    ...BROWSER_REQUIREMENTS,
    ...KERNEL_BUILD_REQUIREMENTS,
    ...PYTORCH_REQUIREMENTS,
  ]);
  ensureCodeServer();
} catch (error) {
  console.error(error instanceof MissingSystemPackagesError ? error.message : error);
  process.exit(1);
}
