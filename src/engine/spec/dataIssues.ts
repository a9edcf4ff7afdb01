/**
 * The file-system checks of the data (files exist, columns exist, enough samples, …) for a
 * schema-valid spec and its sweep, placed at the setting or at the sweep value that causes them;
 * and the resource estimate of the sweep's largest run, judged against the memory limit.
 */
import { checkData, type CheckContext, type DataCheck, type DataIssue } from '../data/check';
import { estimateResources, judgeEstimate, type ResourceEstimate } from '../resources/estimate';
import type { JsonPath, SpecIssue } from './diagnostics';
import { applyAssignments, formatSweepValue, isUnderDotted } from './sweep';
import type { ExperimentSpec } from './types';

/** checkData, with a failure of the check itself reported as an issue rather than thrown. */
function checkDataSafely(spec: ExperimentSpec, context: CheckContext): DataCheck {
  try {
    return checkData(spec, context);
  } catch (error) {
    return { issues: [{ path: ['data'], message: `could not check the data: ${error instanceof Error ? error.message : String(error)}` }] };
  }
}

function error(message: string, path: JsonPath): SpecIssue {
  return { severity: 'error', message, path, at: 'value' };
}

export interface DataIssues {
  issues: SpecIssue[];
  /** The estimate of the largest run, when the data loads. */
  estimate?: ResourceEstimate;
}

/** A run checked: its sweep assignments, spec and data check. */
interface CheckedRun {
  assignments: Record<string, unknown>;
  spec: ExperimentSpec;
  check: DataCheck;
}

/**
 * Checks the sweep's first run (every key at its first value), then, for each key, the first
 * run with that key at each of its other values; a problem that only a sweep value brings is
 * placed at that value. Without a sweep this is one check of the spec itself. The estimate is
 * that of the run with, for each key, the value that makes its run the largest.
 */
export function dataIssues(spec: ExperimentSpec, context: CheckContext, memoryLimitMb: number): DataIssues {
  const sweep = Object.entries(spec.sweep ?? {});
  const first = Object.fromEntries(sweep.map(([key, values]) => [key, values[0]]));
  const atSweepValue = (key: string, index: number, message: string): SpecIssue =>
    error(`with ${key}=${formatSweepValue(spec.sweep?.[key][index])}: ${message}`, ['sweep', key, index]);
  const signature = (issue: DataIssue): string => JSON.stringify([issue.path, issue.message]);
  const run = (assignments: Record<string, unknown>): CheckedRun => {
    const runSpec = applyAssignments(spec, assignments);
    return { assignments, spec: runSpec, check: checkDataSafely(runSpec, context) };
  };

  const firstRun = run(first);
  const issues = firstRun.check.issues.map((issue) => {
    const swept = sweep.find(([key]) => isUnderDotted(issue.path, key));
    return swept === undefined ? error(issue.message, issue.path) : atSweepValue(swept[0], 0, issue.message);
  });
  const known = new Set(firstRun.check.issues.map(signature));
  const largest: Record<string, unknown> = { ...first };
  for (const [key, values] of sweep) {
    let largestBytes = totalBytes(firstRun);
    for (let index = 1; index < values.length; index++) {
      const variant = run({ ...first, [key]: values[index] });
      for (const issue of variant.check.issues) {
        if (!known.has(signature(issue))) issues.push(atSweepValue(key, index, issue.message));
      }
      if (totalBytes(variant) > largestBytes) {
        largestBytes = totalBytes(variant);
        largest[key] = values[index];
      }
    }
  }
  if (issues.length > 0) return { issues };
  const worst = sweep.some(([key]) => largest[key] !== first[key]) ? run(largest) : firstRun;
  if (worst.check.shape === undefined) return { issues: worst.check.issues.map((issue) => error(issue.message, issue.path)) };
  const estimate = estimateResources(worst.spec, worst.check.shape);
  const verdict = judgeEstimate(estimate, memoryLimitMb);
  if (verdict !== undefined) {
    const sweptKey = sweep.find(([key]) => estimate.keysToLower.includes(key) && largest[key] !== first[key])?.[0];
    const path: JsonPath =
      sweptKey !== undefined
        ? ['sweep', sweptKey, spec.sweep![sweptKey].indexOf(largest[sweptKey])]
        : (estimate.keysToLower[0]?.split('.') ?? ['training', 'batchSize']);
    issues.push({ severity: verdict.severity, message: verdict.message, path, at: 'value' });
  }
  return { issues, estimate };
}

function totalBytes(run: CheckedRun): number {
  return run.check.shape === undefined ? 0 : estimateResources(run.spec, run.check.shape).total;
}
