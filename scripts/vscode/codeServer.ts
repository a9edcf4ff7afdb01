/**
 * Installs code-server (VS Code's server build, with a real Node extension host) from the npm
 * registry into `.code-server/<version>/`, without its install scripts: they download ripgrep
 * and prebuilt binaries from GitHub. Native modules are built locally instead and ripgrep comes
 * from the system. An installed version is reused at once.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CODE_SERVER_CACHE } from './paths';
import { CODE_SERVER_REQUIREMENTS, ensureSystemPackages, findOnPath } from './systemPackages';

/** Ships VS Code 1.96.4, the oldest version `engines.vscode` allows. */
export const CODE_SERVER_VERSION = '4.96.4';

const INSTALLED_MARKER = '.installed';

/** The folder of an installed (or to be installed) code-server version. */
function installDir(version: string): string {
  return join(CODE_SERVER_CACHE, version);
}

/** The code-server command line script inside an install folder. */
function entryScript(dir: string): string {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** Whether `version` is installed and complete. */
export function isCodeServerInstalled(version = CODE_SERVER_VERSION): boolean {
  return existsSync(join(installDir(version), INSTALLED_MARKER));
}

/** npm's environment for the native builds: answer npx's prompt, use every core, local headers. */
function buildEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_yes: 'true', JOBS: 'max' };
  // node-gyp downloads Node's headers unless told where they are; the registry alone is reachable.
  const nodePrefix = dirname(dirname(process.execPath));
  if (env.npm_config_nodedir === undefined && existsSync(join(nodePrefix, 'include', 'node', 'node.h'))) {
    env.npm_config_nodedir = nodePrefix;
  }
  return env;
}

function npm(cwd: string, args: string[]): void {
  console.log(`$ (cd ${cwd}) npm ${args.join(' ')}`);
  const result = spawnSync('npm', args, { cwd, stdio: 'inherit', env: buildEnvironment() });
  if (result.status !== 0) throw new Error(`npm ${args[0]} failed in ${cwd} (exit code ${result.status ?? result.signal})`);
}

/**
 * VS Code's shrinkwrap resolves some packages to GitHub git URLs (4.96.4: `@vscode/proxy-agent`).
 * The registry has the same versions with the same integrity hash, so dropping the git URL lets
 * npm fetch them from the registry, still checked against the hash.
 */
function resolveGitDependenciesFromRegistry(shrinkwrapPath: string): void {
  const shrinkwrap = JSON.parse(readFileSync(shrinkwrapPath, 'utf8')) as { packages: Record<string, { resolved?: string }> };
  for (const [name, entry] of Object.entries(shrinkwrap.packages)) {
    if (entry.resolved?.startsWith('git')) {
      console.log(`${name}: from the registry instead of ${entry.resolved}`);
      delete entry.resolved;
    }
  }
  writeFileSync(shrinkwrapPath, JSON.stringify(shrinkwrap, null, 2));
}

/** What code-server's own postinstall.sh does, minus its downloads. */
function installVsCodeDependencies(vscodeDir: string): void {
  resolveGitDependenciesFromRegistry(join(vscodeDir, 'npm-shrinkwrap.json'));
  npm(vscodeDir, ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
  // @vscode/ripgrep's install script downloads rg from GitHub unless bin/ exists.
  const rgBin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  const rg = findOnPath('rg');
  if (rg === undefined) throw new Error('ripgrep (rg) is not on the PATH');
  copyFileSync(rg, join(rgBin, 'rg'));
  console.log(`copied ${rg} into @vscode/ripgrep`);
  npm(vscodeDir, ['rebuild']);
  symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
  symlinkSync('code-linux.sh', join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  symlinkSync('browser-linux.sh', join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
  npm(join(vscodeDir, 'extensions'), ['install', '--omit=dev', '--no-audit', '--no-fund']);
}

function install(version: string): void {
  const started = Date.now();
  console.log(`Installing code-server ${version} into ${installDir(version)} (once; later starts reuse it)`);
  ensureSystemPackages(CODE_SERVER_REQUIREMENTS);
  const staging = `${installDir(version)}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  // Its own package.json, so that npm installs here and not into the enclosing project.
  writeFileSync(join(staging, 'package.json'), JSON.stringify({ private: true, description: 'code-server for RNN Lab' }));
  npm(staging, ['install', '--ignore-scripts', '--no-audit', '--no-fund', `code-server@${version}`]);
  npm(staging, ['rebuild', 'argon2']);
  installVsCodeDependencies(join(staging, 'node_modules', 'code-server', 'lib', 'vscode'));
  writeFileSync(join(staging, INSTALLED_MARKER), `${new Date().toISOString()}\n`);
  rmSync(installDir(version), { recursive: true, force: true });
  renameSync(staging, installDir(version));
  console.log(`code-server ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Installs code-server `version` when it is not installed yet; returns its command line script. */
export function ensureCodeServer(version = CODE_SERVER_VERSION): string {
  if (!isCodeServerInstalled(version)) install(version);
  return entryScript(installDir(version));
}
