/**
 * `npm start`: builds the extension and opens it in VS Code in the browser: code-server on
 * 127.0.0.1 (installed on first use), `examples/` as the workspace, the extension loaded from
 * the build as an extension under development. Prints the URL; Ctrl-C stops everything.
 *
 * Usage: node --import tsx scripts/start.ts [--port N]   (default 8080, or a free port if taken)
 * Rebuild (`npm run build`, or keep `npm run watch` running) and reload the window to pick up changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCodeServer } from './vscode/codeServer';
import { linkDevelopmentExtension } from './vscode/developmentExtension';
import { CODE_SERVER_CACHE, REPO_ROOT } from './vscode/paths';
import { startCodeServer, workbenchUrl } from './vscode/server';
import { QUIET_USER_SETTINGS } from './vscode/settings';
import { MissingSystemPackagesError } from './vscode/systemPackages';

function build(): void {
  const result = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('The build failed');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' } } });
  build();
  const codeServer = ensureCodeServer();
  const workspace = join(REPO_ROOT, 'examples');
  const temp = mkdtempSync(join(tmpdir(), 'rnn-lab-start-'));
  const server = await startCodeServer(codeServer, {
    workspace,
    // Kept between starts, like a normal VS Code profile.
    userDataDir: join(CODE_SERVER_CACHE, 'user-data'),
    extensionsDir: join(CODE_SERVER_CACHE, 'extensions'),
    preferredPort: Number(values.port),
    trustAllWorkspaces: true,
    userSettings: QUIET_USER_SETTINGS,
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping code-server…');
    await server.stop();
    rmSync(temp, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  void server.exited.then(() => {
    if (stopping) return;
    console.error('code-server exited');
    rmSync(temp, { recursive: true, force: true });
    process.exit(1);
  });
  const url = workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: linkDevelopmentExtension(join(temp, 'extension')) });
  console.log(`\nRNN Lab is running in VS Code at:\n\n  ${url}\n\nOpen an example (*.rnn.json) and click "▶ Train" above it. Press Ctrl-C to stop.\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof MissingSystemPackagesError ? error.message : error);
  process.exit(1);
});
