/**
 * Where the inline charts go in a spec's text and which runs they show: the `"name"` line gets
 * the live or headline run, each value of a sweep list the runs that used that value. Pure: text and run
 * summaries in, offsets and runs out.
 */
import { findNodeAtLocation, getNodeValue, parseTree, type Node } from 'jsonc-parser';
import { headlineRun } from '../../engine/runs/headline';
import type { ExperimentSpec } from '../../engine/spec/types';
import { expandSweep, specChecksum } from '../../engine/spec/sweep';
import type { InlineRun } from './inlineRuns';

/** A sweep list's value and the runs that used it. */
export interface SweepValueAnchor {
  key: string;
  value: unknown;
  /** Just after the value in the text. */
  offset: number;
  /** The run with the lowest best validation loss for this value, if any run used it. */
  best?: InlineRun;
  /** True for the value whose best run is the best of its list. */
  winner: boolean;
}

export interface InlineAnchors {
  /**
   * Just after the `"name"` property's value, with the run shown there: the live one, else the
   * headline run (after a sweep its best run, `sweepBest`; else the latest).
   */
  name?: { offset: number; run?: InlineRun; sweepBest: boolean };
  sweepValues: SweepValueAnchor[];
}

/**
 * The checksums a run's stored `specChecksum` must match to be current: the spec as written
 * (without its sweep) and every sweep point. Empty when the text is no valid spec.
 */
export function currentChecksums(spec: ExperimentSpec | undefined): Set<string> {
  if (!spec) {
    return new Set();
  }
  const checksums = new Set([specChecksum({ ...spec, sweep: undefined })]);
  try {
    expandSweep(spec).forEach((point) => checksums.add(specChecksum(point.spec)));
  } catch {
    // A sweep point that does not validate has no run to match.
  }
  return checksums;
}

/** True when the spec has changed since the run (or the run's checksum is unknown). */
export function isStale(run: InlineRun, checksums: Set<string>): boolean {
  return run.summary.specChecksum === undefined || !checksums.has(run.summary.specChecksum);
}

/** The anchors of a spec's text; `runs` newest first (as `InlineRunSource.runsOf` gives them). */
export function findAnchors(text: string, runs: readonly InlineRun[]): InlineAnchors {
  const root = parseTree(text);
  if (!root) {
    return { sweepValues: [] };
  }
  const nameNode = findNodeAtLocation(root, ['name']);
  const anchors: InlineAnchors = {
    name: nameNode ? { offset: nameNode.offset + nameNode.length, ...nameRun(runs) } : undefined,
    sweepValues: [],
  };
  const sweepNode = findNodeAtLocation(root, ['sweep']);
  if (sweepNode?.type !== 'object') {
    return anchors;
  }
  const newestPerPoint = newestSweepRuns(runs);
  for (const property of sweepNode.children ?? []) {
    const [keyNode, listNode] = property.children ?? [];
    if (keyNode?.type !== 'string' || listNode?.type !== 'array') {
      continue;
    }
    anchors.sweepValues.push(...valueAnchors(String(keyNode.value), listNode, newestPerPoint));
  }
  return anchors;
}

/** The run beside the name: a live run as it trains, else the headline run. */
function nameRun(runs: readonly InlineRun[]): { run?: InlineRun; sweepBest: boolean } {
  if (runs[0]?.live) return { run: runs[0], sweepBest: false };
  return headlineRun(runs, (run) => run.summary) ?? { sweepBest: false };
}

/** The newest run of each sweep point (by label). */
function newestSweepRuns(runs: readonly InlineRun[]): InlineRun[] {
  const seen = new Map<string, InlineRun>();
  for (const run of runs) {
    const label = run.summary.sweep?.label;
    if (label && !seen.has(label)) {
      seen.set(label, run);
    }
  }
  return [...seen.values()];
}

function valueAnchors(key: string, listNode: Node, runs: readonly InlineRun[]): SweepValueAnchor[] {
  const anchors = (listNode.children ?? []).map((element): SweepValueAnchor => {
    const value = getNodeValue(element) as unknown;
    const matching = runs.filter((run) => {
      const assignments = run.summary.sweep?.assignments;
      return assignments !== undefined && key in assignments && JSON.stringify(assignments[key]) === JSON.stringify(value);
    });
    return { key, value, offset: element.offset + element.length, best: bestOf(matching), winner: false };
  });
  const scored = anchors.filter((anchor) => anchor.best?.summary.bestValidationLoss !== undefined);
  if (scored.length > 1) {
    const winner = scored.reduce((a, b) => (b.best!.summary.bestValidationLoss! < a.best!.summary.bestValidationLoss! ? b : a));
    winner.winner = true;
  }
  return anchors;
}

/** The run with the lowest best validation loss, else the newest. */
function bestOf(runs: readonly InlineRun[]): InlineRun | undefined {
  const scored = runs.filter((run) => run.summary.bestValidationLoss !== undefined);
  if (scored.length === 0) {
    return runs[0];
  }
  return scored.reduce((a, b) => (b.summary.bestValidationLoss! < a.summary.bestValidationLoss! ? b : a));
}
