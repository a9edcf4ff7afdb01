/**
 * Starts and stops code-server on 127.0.0.1 in its own process group, and builds the workbench
 * URLs that open a folder with an extension under development (and its tests).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { writeUserSettings } from './settings';

export interface CodeServerOptions {
  /** The folder the workbench opens. */
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** The port to listen on when it is free; any free port otherwise. */
  preferredPort?: number;
  /** False keeps workspace trust on: a folder opened for the first time is then in restricted mode. */
  trustAllWorkspaces: boolean;
  /** User settings, written when the user data folder has none yet. */
  userSettings?: Record<string, unknown>;
  /** More environment for the server, and so for the extension host. */
  env?: Record<string, string>;
  /** Where the server's output goes; the console when absent. */
  logFile?: string;
}

export interface RunningCodeServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** Resolves when the server process has exited, for whatever reason. */
  exited: Promise<void>;
  /** Stops the server and every process it started. */
  stop(): Promise<void>;
}

/** Whether nothing listens on 127.0.0.1:`port`. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function choosePort(preferred: number | undefined): Promise<number> {
  return preferred !== undefined && (await isPortFree(preferred)) ? preferred : freePort();
}

/** The environment of every code-server: no extension gallery queries. */
function serverEnvironment(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  return { ...process.env, EXTENSIONS_GALLERY: '{}', ...extra };
}

function commonArguments(userDataDir: string, extensionsDir: string): string[] {
  // Always an explicit config file: without one code-server writes ~/.config/code-server/config.yaml.
  const config = join(userDataDir, 'code-server.yaml');
  if (!existsSync(config)) writeFileSync(config, 'auth: none\ncert: false\n');
  return ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

/** Sends `signal` to the process group led by `child`; false when the group is gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-(child.pid as number), signal);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilHealthy(origin: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited during start-up (${child.exitCode ?? child.signalCode})`);
    }
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error(`code-server did not answer at ${origin}/healthz within ${timeoutMs / 1000} s`);
}

/** Starts code-server (`entryScript` from `ensureCodeServer`) and resolves once it answers. */
export async function startCodeServer(entryScript: string, options: CodeServerOptions): Promise<RunningCodeServer> {
  mkdirSync(options.userDataDir, { recursive: true });
  mkdirSync(options.extensionsDir, { recursive: true });
  if (options.userSettings !== undefined) writeUserSettings(options.userDataDir, options.userSettings);
  const port = await choosePort(options.preferredPort);
  const args = [
    entryScript,
    ...commonArguments(options.userDataDir, options.extensionsDir),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.trustAllWorkspaces ? ['--disable-workspace-trust'] : []),
    options.workspace,
  ];
  const output = options.logFile === undefined ? 'inherit' : openSync(options.logFile, 'a');
  // Its own process group: its file watcher and extension hosts outlive a kill of the server alone.
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', output, output],
    env: serverEnvironment(options.env),
  });
  if (typeof output === 'number') closeSync(output);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => signalGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (signalGroup(child, 'SIGTERM')) await Promise.race([exited, delay(5000, undefined, { ref: false })]);
    signalGroup(child, 'SIGKILL');
  };
  try {
    await waitUntilHealthy(origin, child, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin, port, exited, stop };
}

/** Installs a `.vsix` into an extensions folder with code-server's command line. */
export function installExtension(entryScript: string, vsix: string, userDataDir: string, extensionsDir: string): void {
  mkdirSync(userDataDir, { recursive: true });
  const result = spawnSync(process.execPath, [entryScript, ...commonArguments(userDataDir, extensionsDir), '--install-extension', vsix], {
    encoding: 'utf8',
    env: serverEnvironment(undefined),
  });
  if (result.status !== 0) {
    throw new Error(`code-server --install-extension ${vsix} failed:\n${result.stdout}${result.stderr}`);
  }
}

/** What the workbench URL opens: a folder, and optionally an extension under development and its tests. */
export interface WorkbenchTarget {
  folder: string;
  /** An extension folder on the server's machine, loaded as under development. */
  extensionDevelopmentPath?: string;
  /** A module on the server's machine whose `run()` the extension host calls, as test runners do. */
  extensionTestsPath?: string;
}

/**
 * The URL that opens `target` in the workbench of `server` (or of the address in front of it:
 * the URIs in it name the address the browser uses). The extension options travel in the `payload`
 * query parameter as `vscode-remote` URIs, which the web workbench reads as the desktop reads
 * `--extensionDevelopmentPath` and `--extensionTestsPath` (code-server's own command line refuses them).
 */
export function workbenchUrl(server: Pick<RunningCodeServer, 'origin' | 'port'>, target: WorkbenchTarget): string {
  const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload: [string, string][] = [];
  if (target.extensionDevelopmentPath !== undefined) {
    payload.push(['extensionDevelopmentPath', remote(target.extensionDevelopmentPath)]);
  }
  if (target.extensionTestsPath !== undefined) payload.push(['extensionTestsPath', remote(target.extensionTestsPath)]);
  const query = new URLSearchParams({ folder: target.folder });
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${query.toString()}`;
}
