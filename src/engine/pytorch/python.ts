/**
 * Which Python trains with PyTorch: the one named (a setting or `--python`), else the first of
 * `python3` on PATH and `/usr/bin/python3` that imports torch — where Debian's python3-torch lands
 * when a version manager's `python3` comes first on PATH.
 */
import { spawnSync } from 'node:child_process';

export const DEFAULT_PYTHONS: readonly string[] = ['python3', '/usr/bin/python3'];

export interface TorchPython {
  python: string;
}

/**
 * Whether `python` runs and can import torch. It looks the package up without importing it (which takes
 * seconds): train.py itself says so, with exit code 3, should the import still fail.
 */
export function hasTorch(python: string): boolean {
  const script = "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('torch') else 1)";
  return spawnSync(python, ['-c', script], { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

/** The first of `candidates` with torch, or undefined. */
export function findTorchPython(candidates: readonly string[] = DEFAULT_PYTHONS): TorchPython | undefined {
  const python = candidates.find(hasTorch);
  return python === undefined ? undefined : { python };
}

/** The error for a Python without torch; `choose` says how to name another one. */
export function torchNotFound(python: string, choose = 'set rnnLab.pythonPath'): string {
  return `PyTorch not found for ${python}: install torch or ${choose}`;
}

/**
 * The named Python when there is one (it must have torch), else the first fallback with torch;
 * throws the message to show.
 */
export function resolveTorchPython(named: string | undefined, fallbacks: readonly string[] = DEFAULT_PYTHONS, choose?: string): TorchPython {
  const candidates = named ? [named] : fallbacks;
  const found = findTorchPython(candidates);
  if (!found) throw new Error(torchNotFound(candidates.join(' or '), choose));
  return found;
}
