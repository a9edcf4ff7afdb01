/**
 * Which Python trains with PyTorch: the one named (a setting or `--python`), else the first of
 * `python3` on PATH and `/usr/bin/python3` that imports torch — where Debian's python3-torch lands
 * when a version manager's `python3` comes first on PATH.
 */
import { spawnSync } from 'node:child_process';

export const DEFAULT_PYTHONS: readonly string[] = ['python3', '/usr/bin/python3'];

export interface TorchPython {
  python: string;
  torchVersion: string;
}

/** Interpreters found with torch in this process: importing torch takes seconds, so each is asked once. */
const withTorch = new Map<string, string>();

/** The torch version `python` imports, or undefined when it cannot run or has no torch. */
export function torchVersionOf(python: string): string | undefined {
  if (withTorch.has(python)) return withTorch.get(python);
  const result = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) return undefined;
  withTorch.set(python, result.stdout.trim());
  return withTorch.get(python);
}

/** The first of `candidates` with torch, or undefined. */
export function findTorchPython(candidates: readonly string[] = DEFAULT_PYTHONS): TorchPython | undefined {
  for (const python of candidates) {
    const torchVersion = torchVersionOf(python);
    if (torchVersion !== undefined) return { python, torchVersion };
  }
  return undefined;
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
