/**
 * `npm start`: builds the extension and opens it in VS Code in the browser: code-server
 * (installed on first use) with `examples/` as the workspace and the extension loaded from the
 * build as an extension under development, behind the address it prints,
 * `http://127.0.0.1:PORT/` (the same at every start). Ctrl-C, SIGTERM, SIGHUP (the terminal
 * closing) or the end of the parent process (npm) stop code-server and remove the temporary
 * folder; the user data (settings, open editors) is kept between starts.
 *
 * Usage: node --import tsx scripts/start.ts [--port N] [--user-data-dir DIR]
 *   --port           the port to listen on, 8080 by default; a port in use is an error, not a surprise
 *   --user-data-dir  VS Code's profile folder, `.code-server/user-data` by default
 * Rebuild (`npm run build`, or keep `npm run watch` running) and reload the window to pick up changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCodeServer } from './vscode/codeServer';
import { linkDevelopmentExtension } from './vscode/developmentExtension';
import { openFrontDoor, type FrontDoor } from './vscode/frontDoor';
import { CODE_SERVER_CACHE, REPO_ROOT } from './vscode/paths';
import { isPortFree, startCodeServer, workbenchUrl, type RunningCodeServer } from './vscode/server';
import { QUIET_USER_SETTINGS } from './vscode/settings';
import { MissingSystemPackagesError } from './vscode/systemPackages';

/** Thrown for a bad command line or a port in use: printed as it is, without a stack. */
class StartError extends Error {}

function build(): void {
  const result = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new StartError('The build failed');
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new StartError(`--port ${text}: not a port number (1 to 65535)`);
  return port;
}

/** Prints, unless the terminal is gone (after SIGHUP a write fails). */
function say(text: string): void {
  try {
    process.stdout.write(`${text}\n`);
  } catch {
    // no terminal any more
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, 'user-data-dir': { type: 'string' } } });
  const port = parsePort(values.port);
  if (!(await isPortFree(port))) {
    throw new StartError(`Port ${port} is in use (another npm start?). Stop it, or choose another port: npm start -- --port ${port + 1}`);
  }
  build();
  const codeServer = ensureCodeServer();
  const workspace = join(REPO_ROOT, 'examples');
  const userDataDir = resolve(values['user-data-dir'] ?? join(CODE_SERVER_CACHE, 'user-data'));
  const temp = mkdtempSync(join(tmpdir(), 'rnn-lab-start-'));
  let server: RunningCodeServer | undefined;
  let frontDoor: FrontDoor | undefined;
  let stopping = false;
  const stop = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    say(`\n${why}: stopping code-server…`);
    await Promise.all([server?.stop(), frontDoor?.close()]);
    rmSync(temp, { recursive: true, force: true });
    process.exit(code);
  };
  process.stdout.on('error', () => undefined);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal, 0));
  // npm can end without passing its signal on; this process is then adopted by another parent.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void stop('npm exited', 0), 500).unref();
  try {
    server = await startCodeServer(codeServer, {
      workspace,
      userDataDir,
      extensionsDir: join(userDataDir, '..', 'extensions'),
      trustAllWorkspaces: true,
      userSettings: QUIET_USER_SETTINGS,
    });
    void server.exited.then(() => stop('code-server exited', 1));
    const address = `http://127.0.0.1:${port}`;
    const home = workbenchUrl({ origin: address, port }, { folder: workspace, extensionDevelopmentPath: linkDevelopmentExtension(join(temp, 'extension')) });
    frontDoor = await openFrontDoor(port, server.port, home.slice(address.length));
    say(`\nRNN Lab is running in VS Code at:\n\n  ${address}/\n\nOpen an example (*.rnn.json) and click "▶ Train" above it. Press Ctrl-C to stop.\n`);
  } catch (error) {
    await server?.stop();
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof MissingSystemPackagesError || error instanceof StartError ? error.message : error);
  process.exit(1);
});
