/**
 * Where runs live: `<runsRoot>/<experiment>/<run-id>/`, with `.rnn/runs` beside the spec
 * file as the default root and the experiment folder named after the spec file: distinct
 * file names always get distinct folders, on case-insensitive file systems too.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** The files of one run folder. */
export const RUN_FILES = {
  /** The resolved spec with its checksum and sweep point (`StoredSpec`). */
  spec: 'spec.json',
  /** Every event but probes, one JSON per line, appended as they happen. */
  metrics: 'metrics.jsonl',
  /** Probe events, one (large) JSON per line. */
  probes: 'probes.jsonl',
  /** `RunSummary`, replaced atomically. */
  summary: 'summary.json',
  /** The final weights in PyTorch state-dict layout. */
  weights: 'weights.json',
  /** The last finished epoch's weights and optimizer state, to resume from (`RunCheckpoint`). */
  checkpoint: 'checkpoint.safetensors',
  /** What the user added afterwards: a name, a note, tags (`RunAnnotations`), replaced atomically. */
  annotations: 'annotations.json',
} as const;

/** Folders a run may hold: DVCLive's files, which runs of the pytorch engine (train.py) write. */
export const RUN_FOLDERS = {
  dvclive: 'dvclive',
} as const;

/** `.rnn/runs` beside the spec file. */
export function defaultRunsRoot(specPath: string): string {
  return join(dirname(specPath), '.rnn', 'runs');
}

/**
 * A spec file's experiment folder name: its base name without `.rnn.json`, lower case, letters,
 * digits, `.`, `_` and `-` only. When that is not exactly the file's name (`A B.rnn.json`,
 * `a-b.json`, a long one) a hash of the exact name follows, so no two names share a folder.
 */
export function experimentSlug(specPath: string): string {
  const name = basename(specPath).normalize('NFC');
  const readable =
    name
      .replace(/(\.rnn)?\.jsonc?$/i, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}._-]+/gu, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 64) || 'experiment';
  return name === `${readable}.rnn.json` ? readable : `${readable}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

/** The folder name runs were recorded under before names were made distinct; several spec files could share it. */
export function legacyExperimentSlug(specPath: string): string {
  const stem = basename(specPath).replace(/(\.rnn)?\.jsonc?$/i, '');
  const slug = stem
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 64);
  return slug || 'experiment';
}

/** The folder holding every run of the spec file at `specPath`. */
export function experimentDir(runsRoot: string, specPath: string): string {
  return join(runsRoot, experimentSlug(specPath));
}

/**
 * A run id that sorts by start time: `YYYYMMDD-HHMMSS-<suffix>` in UTC, e.g.
 * `20261125-153201-ab12`. The suffix keeps runs started in the same second apart.
 */
export function formatRunId(startedAt: Date, suffix: string): string {
  const iso = startedAt.toISOString(); // 2026-11-25T15:32:01.123Z
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${suffix}`;
}

/** The start time encoded in a run id (whole seconds), or undefined for another name. */
export function runIdTime(id: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(id);
  if (!match) {
    return undefined;
  }
  const [year, month, day, hours, minutes, seconds] = match.slice(1).map(Number);
  return Date.UTC(year, month - 1, day, hours, minutes, seconds);
}
