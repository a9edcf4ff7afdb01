/**
 * Runs recorded before experiment folders had distinct names: several spec files (`A B.rnn.json`,
 * `a-b.rnn.json`, `データ.rnn.json` …) wrote to one folder. Each such run is moved, once, into its
 * own spec's folder, found from the spec path its `spec.json` recorded, so that a listing shows
 * a spec's own runs and no other. A run still training, or whose spec is unknown, stays.
 */
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { experimentDir, experimentSlug, legacyExperimentSlug, RUN_FILES } from './layout';
import { readJson, readSummary } from './runReader';
import { isStoredSpec } from './storedSpec';

/** Folders already sorted by this process. */
const sorted = new Set<string>();

/** Sorts the runs of `specPath`'s legacy folder under `runsRoot` into their own folders; returns how many moved. */
export function adoptLegacyRuns(runsRoot: string, specPath: string): number {
  const legacyDir = join(runsRoot, legacyExperimentSlug(specPath));
  if (sorted.has(legacyDir) || !existsSync(legacyDir)) {
    return 0;
  }
  let moved = 0;
  for (const entry of readdirSync(legacyDir, { withFileTypes: true })) {
    const runDir = join(legacyDir, entry.name);
    const stored = entry.isDirectory() ? readJson(join(runDir, RUN_FILES.spec)) : undefined;
    if (!isStoredSpec(stored) || readSummary(runDir).summary.status === 'running') continue;
    const owner = join(runsRoot, experimentSlug(stored.specPath));
    if (owner === legacyDir) continue;
    try {
      mkdirSync(owner, { recursive: true });
      renameSync(runDir, join(owner, entry.name));
      moved += 1;
    } catch {
      // Another process moved it first, or the folder is in use: it is found where it is next time.
    }
  }
  sorted.add(legacyDir);
  return moved;
}

/** The experiment folder of `specPath` under `runsRoot`, with its runs recorded before adopted (see above). */
export function specRunsDir(runsRoot: string, specPath: string): string {
  adoptLegacyRuns(runsRoot, specPath);
  return experimentDir(runsRoot, specPath);
}
