/** Sweeps: the grid of runs a spec's `sweep` describes, and a stable checksum of a spec. */
import { createHash, randomBytes } from 'node:crypto';
import { formatSweepValue } from '../format';
import { formatRunId } from '../runs/layout';
import type { SweepPoint } from '../runs/summary';
import { validatedSpec } from './resolve';
import { isPlainObject } from './schema';
import type { ExperimentSpec } from './types';

export interface SweepRun {
  /** The resolved spec of this run, without `sweep`. */
  spec: ExperimentSpec;
  /** Dotted setting → the value this run uses; empty when the spec has no sweep. */
  assignments: Record<string, unknown>;
  /** E.g. "model.cell=lstm, training.learningRate=0.01"; empty when the spec has no sweep. */
  label: string;
}

/** Sets a dotted key ("model.cell") in a tree of plain objects, creating objects on the way. */
export function setDotted(target: Record<string, unknown>, key: string, value: unknown): void {
  const segments = key.split('.');
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    if (!isPlainObject(node[segment])) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[segments[segments.length - 1]] = value;
}

/** The value at a dotted key, or undefined where the path does not exist. */
export function getDotted(source: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, segment) => (isPlainObject(node) ? node[segment] : undefined), source);
}

/** True when `path` is the dotted key's setting or lies inside it. */
export function isUnderDotted(path: (string | number)[], key: string): boolean {
  return key.split('.').every((segment, i) => path[i] === segment);
}

export { formatSweepValue } from '../format';

/** The most runs a sweep may have unless the limit is raised (`rnnLab.maxSweepRuns`, `--max-sweep-runs`). */
export const DEFAULT_MAX_SWEEP_RUNS = 1000;

/** How many runs a sweep's grid of value lists holds, counted without building it (1 without a sweep). */
export function countSweepRuns(lists: readonly unknown[][]): number {
  return lists.reduce((count, values) => count * values.length, 1);
}

function sweepLabel(assignments: Record<string, unknown>): string {
  return Object.entries(assignments)
    .map(([key, value]) => `${key}=${formatSweepValue(value)}`)
    .join(', ');
}

/**
 * The spec of one run: `spec` without its sweep, with the assignments applied, validated
 * again and resolved (so defaults appear, e.g. for an early-stopping object set by a sweep).
 */
export function applyAssignments(spec: ExperimentSpec, assignments: Record<string, unknown>): ExperimentSpec {
  const document = structuredClone(spec) as unknown as Record<string, unknown>;
  delete document.sweep;
  for (const [key, value] of Object.entries(assignments)) setDotted(document, key, structuredClone(value));
  return validatedSpec(document, `the sweep run "${sweepLabel(assignments)}"`);
}

/**
 * Every run of the spec's sweep grid, in order: keys in the order the sweep lists them, the
 * last key varying fastest. Without a sweep, one run with empty assignments.
 */
export function expandSweep(spec: ExperimentSpec): SweepRun[] {
  let grid: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(spec.sweep ?? {})) {
    grid = grid.flatMap((assignments) => values.map((value) => ({ ...assignments, [key]: value })));
  }
  return grid.map((assignments) => ({
    spec: applyAssignments(spec, assignments),
    assignments,
    label: sweepLabel(assignments),
  }));
}

/**
 * The sweep point of each run of one sweep, all in one new group (the id is made from `now`):
 * what the run store records, so that a sweep's runs can be summarised together.
 */
export function groupedSweepPoints(runs: SweepRun[], now = new Date()): SweepPoint[] {
  const id = formatRunId(now, randomBytes(2).toString('hex'));
  return runs.map((run, index) => ({ label: run.label, assignments: run.assignments, group: { id, index, count: runs.length } }));
}

/** JSON with object keys sorted at every level, so that equal specs give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const entries = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of the spec's canonical JSON: independent of key order, changed by any value. */
export function specChecksum(spec: ExperimentSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}
