/**
 * `npm start` as a user runs it: the address it prints is the bare `http://127.0.0.1:PORT/`,
 * the same at every start, and opens the examples with RNN Lab loaded; `--port` chooses the
 * port and a port in use is a clear error; SIGTERM to npm, SIGHUP to the terminal's process
 * group (the terminal closing) and Ctrl-C each stop code-server and remove the temporary folder.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { launchBrowser } from '../../scripts/vscode/browser';
import { REPO_ROOT, TEST_ARTIFACTS } from '../../scripts/vscode/paths';
import { isPortFree } from '../../scripts/vscode/server';

const profile = mkdtempSync(join(tmpdir(), 'rnn-lab-start-test-'));
const userDataDir = join(profile, 'user-data');
const artifacts = join(TEST_ARTIFACTS, 'ui', 'start');
after(() => rmSync(profile, { recursive: true, force: true }));

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const startFolders = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('rnn-lab-start-') && !name.startsWith('rnn-lab-start-test-')));

/** The processes whose command line names this test's user data folder (code-server and its children). */
function codeServerProcesses(): string[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(userDataDir);
      } catch {
        return false;
      }
    });
}

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Started {
  npm: ChildProcess;
  address: string;
  temp: string[];
  exited: Promise<number | null>;
}

/** `npm start -- --port PORT` in its own process group, as a terminal runs it; resolves once it prints its address. */
async function npmStart(port: number): Promise<Started> {
  const before = startFolders();
  const npm = spawn('npm', ['start', '--', '--port', String(port), '--user-data-dir', userDataDir], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  let output = '';
  npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let ended = false;
  void exited.then(() => (ended = true));
  await eventually('the printed address', () => ended || /RNN Lab is running in VS Code at:\s+(\S+)/.test(output), 300_000);
  const address = /RNN Lab is running in VS Code at:\s+(\S+)/.exec(output)?.[1];
  assert.ok(address, `npm start printed its address:\n${output}`);
  return { npm, address, temp: [...startFolders()].filter((name) => !before.has(name)), exited };
}

/** Everything npm start started is gone: the process tree, the port and the temporary folder. */
async function assertStopped(started: Started, port: number): Promise<void> {
  await eventually(
    'npm to exit',
    async () => (await Promise.race([started.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 100))])) === true,
  );
  await eventually('code-server and its children to end', () => codeServerProcesses().length === 0, 30_000);
  assert.equal(await isPortFree(port), true, `nothing answers on ${port} any more`);
  const left = started.temp.filter((name) => startFolders().has(name));
  assert.deepEqual(left, [], 'the temporary folder is removed');
}

test('the bare address opens the examples with RNN Lab loaded; SIGTERM to npm stops everything', { timeout: 600_000 }, async () => {
  const port = await freePort();
  const started = await npmStart(port);
  assert.equal(started.address, `http://127.0.0.1:${port}/`);
  assert.equal(started.temp.length, 1, 'one temporary folder');
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(started.address);
    await page.locator('.explorer-folders-view').getByRole('treeitem', { name: 'sine.rnn.json', exact: true }).waitFor({ timeout: 120_000 });
    await page.locator('.activitybar .action-label[aria-label^="RNN Lab"]').waitFor({ timeout: 60_000 });
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, '1-bare-address.png') });
    assert.match(await page.title(), /Extension Development Host/);
  } catch (error) {
    process.kill(-started.npm.pid!, 'SIGTERM');
    throw error;
  } finally {
    await browser.close();
  }
  process.kill(started.npm.pid!, 'SIGTERM');
  await assertStopped(started, port);
});

test('the same address at the next start; SIGHUP (the terminal closing) and Ctrl-C stop everything', { timeout: 600_000 }, async () => {
  const port = await freePort();
  for (const signal of ['SIGHUP', 'SIGINT'] as const) {
    const started = await npmStart(port);
    try {
      assert.equal(started.address, `http://127.0.0.1:${port}/`, 'the address does not change between starts');
      await eventually('code-server to answer at the address', async () => (await fetch(`${started.address}healthz`).catch(() => undefined))?.ok === true);
    } catch (error) {
      process.kill(-started.npm.pid!, 'SIGTERM');
      throw error;
    }
    // The terminal signals its whole foreground process group.
    process.kill(-started.npm.pid!, signal);
    await assertStopped(started, port);
  }
});

test('a port in use is a clear error, before anything starts', { timeout: 120_000 }, async () => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => blocker.once('listening', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    const npm = spawn('npm', ['start', '--', '--port', String(port), '--user-data-dir', userDataDir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => npm.once('exit', resolve));
    assert.notEqual(code, 0);
    assert.match(output, new RegExp(`Port ${port} is in use .*npm start -- --port ${port + 1}`));
  } finally {
    blocker.close();
  }
});
