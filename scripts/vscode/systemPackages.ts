/**
 * The system packages that running VS Code (code-server) and its browser need, checked by what
 * they provide. On Debian/Ubuntu as root the missing ones are installed with apt-get; anywhere
 * else the check stops with the exact command to run.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A Debian package and how to tell, without a package manager, that what it provides is there. */
export interface SystemRequirement {
  aptPackage: string;
  /** Why it is needed, shown when it is installed or missing. */
  purpose: string;
  isPresent(): boolean;
}

/** The full path of `command` on the PATH, or undefined. */
export function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const onPath =
  (...commands: string[]) =>
  () =>
    commands.every((command) => findOnPath(command) !== undefined);

/** What building code-server's native modules and its search needs. */
export const CODE_SERVER_REQUIREMENTS: SystemRequirement[] = [
  { aptPackage: 'build-essential', purpose: 'compiling code-server native modules', isPresent: onPath('make', 'g++') },
  { aptPackage: 'python3', purpose: 'node-gyp', isPresent: onPath('python3') },
  {
    aptPackage: 'libkrb5-dev',
    purpose: "code-server's kerberos module (gssapi headers)",
    isPresent: () => existsSync('/usr/include/gssapi/gssapi.h'),
  },
  { aptPackage: 'ripgrep', purpose: "VS Code's search (rg)", isPresent: onPath('rg') },
];

/** The browser that drives VS Code in the tests: Debian's Chromium, or `CHROMIUM_PATH`. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export const BROWSER_REQUIREMENTS: SystemRequirement[] = [
  {
    aptPackage: 'chromium',
    purpose: 'the headless browser of the VS Code tests (or set CHROMIUM_PATH to another Chromium)',
    isPresent: () => existsSync(chromiumPath()),
  },
];

/**
 * What rebuilding the compute kernels needs: the unit tests check that both kernel binaries are
 * the builds of kernels.c. Clang 16 is the first with relaxed SIMD's final instructions.
 */
export const KERNEL_BUILD_REQUIREMENTS: SystemRequirement[] = [
  { aptPackage: 'clang-16', purpose: 'compiling the compute kernels (src/engine/kernels/kernels.c) to WebAssembly', isPresent: onPath('clang-16') },
  { aptPackage: 'lld-16', purpose: 'linking the compute kernels (wasm-ld-16)', isPresent: onPath('wasm-ld-16') },
];

/**
 * Installs only what is asked for and what it depends on: no recommended packages, and no
 * upgrade of a package that is installed already.
 */
export const APT_INSTALL_OPTIONS = ['--no-install-recommends', '--no-upgrade'];

/**
 * The installed packages that installing `packages` would upgrade (a dependency that needs a
 * newer version), from apt-get's simulation: its `Inst name [installed] (new …)` lines.
 */
export function upgradesOfInstalling(packages: string[]): string[] {
  const simulation = spawnSync('apt-get', ['-s', '-q', 'install', ...APT_INSTALL_OPTIONS, ...packages], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
  });
  return parseUpgrades(simulation.stdout ?? '');
}

/** The names of the `Inst name [installed version] (…)` lines of an apt-get simulation. */
export function parseUpgrades(simulation: string): string[] {
  return [...simulation.matchAll(/^Inst (\S+) \[[^\]]+\]/gm)].map((match) => match[1]);
}

/** Debian's PyTorch for the PyTorch bridge's conformance tests (train.py against the kernels), with OpenBLAS instead of the 5–10× slower reference BLAS. */
export const PYTORCH_REQUIREMENTS: SystemRequirement[] = [
  {
    aptPackage: 'python3-torch',
    purpose: "the PyTorch bridge's tests: exported train.py projects trained against the kernels",
    isPresent: () => spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0,
  },
  {
    aptPackage: 'libopenblas0-pthread',
    purpose: "OpenBLAS for Debian's PyTorch (its reference BLAS is 5-10x slower)",
    isPresent: () => ['x86_64-linux-gnu', 'aarch64-linux-gnu'].some((arch) => existsSync(`/usr/lib/${arch}/openblas-pthread/libopenblas.so.0`)),
  },
];

/** Thrown when packages are missing and cannot be installed here; the message says what to run. */
export class MissingSystemPackagesError extends Error {}

function run(command: string, args: string[]): void {
  console.log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args[0]} failed (exit code ${result.status ?? result.signal})`);
  }
}

/**
 * Makes sure every requirement is present: installs the missing ones (only those) with `apt-get
 * update` then `apt-get install -y --no-install-recommends --no-upgrade`, saying which installed
 * packages their dependencies upgrade, when running as root on a system with apt-get, and otherwise throws a
 * {@link MissingSystemPackagesError} that names the command to run.
 */
export function ensureSystemPackages(requirements: SystemRequirement[]): void {
  const missing = requirements.filter((requirement) => !requirement.isPresent());
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((requirement) => requirement.aptPackage))];
  const reasons = missing.map((requirement) => `  ${requirement.aptPackage}: ${requirement.purpose}`).join('\n');
  const hasApt = findOnPath('apt-get') !== undefined;
  if (!hasApt || process.getuid?.() !== 0) {
    const command = `sudo apt-get update && sudo apt-get install -y ${APT_INSTALL_OPTIONS.join(' ')} ${packages.join(' ')}`;
    const how = hasApt ? `Run as root, or run first:\n  ${command}` : `Install their equivalents with your package manager (on Debian/Ubuntu: ${command})`;
    throw new MissingSystemPackagesError(`Missing system packages:\n${reasons}\n${how}`);
  }
  console.log(`Installing missing system packages:\n${reasons}`);
  run('apt-get', ['-q', 'update']);
  const upgrades = upgradesOfInstalling(packages);
  if (upgrades.length > 0) {
    console.log(`Their dependencies need newer versions of installed packages, which apt-get upgrades: ${upgrades.join(' ')}`);
  }
  run('apt-get', ['-q', 'install', '-y', ...APT_INSTALL_OPTIONS, ...packages]);
  const stillMissing = missing.filter((requirement) => !requirement.isPresent());
  if (stillMissing.length > 0) {
    throw new Error(`apt-get installed ${packages.join(' ')}, but still missing: ${stillMissing.map((r) => r.aptPackage).join(' ')}`);
  }
}
