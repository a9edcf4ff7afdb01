/**
 * The file-system checks of the data (files exist, columns exist, enough samples, …) for a
 * schema-valid spec and its sweep, placed at the setting or at the sweep value that causes them.
 */
import { checkData, type CheckContext, type DataIssue } from '../data/check';
import type { JsonPath, SpecIssue } from './diagnostics';
import { applyAssignments, formatSweepValue, isUnderDotted } from './sweep';
import type { ExperimentSpec } from './types';

/** checkData, with a failure of the check itself reported as an issue rather than thrown. */
function checkDataSafely(spec: ExperimentSpec, context: CheckContext): DataIssue[] {
  try {
    return checkData(spec, context);
  } catch (error) {
    return [{ path: ['data'], message: `could not check the data: ${error instanceof Error ? error.message : String(error)}` }];
  }
}

function error(message: string, path: JsonPath): SpecIssue {
  return { severity: 'error', message, path, at: 'value' };
}

/**
 * Checks the sweep's first run (every key at its first value), then, for each key, the first
 * run with that key at each of its other values; a problem that only a sweep value brings is
 * placed at that value. Without a sweep this is one check of the spec itself.
 */
export function dataIssues(spec: ExperimentSpec, context: CheckContext): SpecIssue[] {
  const sweep = Object.entries(spec.sweep ?? {});
  const first = Object.fromEntries(sweep.map(([key, values]) => [key, values[0]]));
  const atSweepValue = (key: string, index: number, message: string): SpecIssue =>
    error(`with ${key}=${formatSweepValue(spec.sweep?.[key][index])}: ${message}`, ['sweep', key, index]);
  const signature = (issue: DataIssue): string => JSON.stringify([issue.path, issue.message]);

  const firstRunIssues = checkDataSafely(applyAssignments(spec, first), context);
  const issues = firstRunIssues.map((issue) => {
    const swept = sweep.find(([key]) => isUnderDotted(issue.path, key));
    return swept === undefined ? error(issue.message, issue.path) : atSweepValue(swept[0], 0, issue.message);
  });
  const known = new Set(firstRunIssues.map(signature));
  for (const [key, values] of sweep) {
    for (let index = 1; index < values.length; index++) {
      for (const issue of checkDataSafely(applyAssignments(spec, { ...first, [key]: values[index] }), context)) {
        if (!known.has(signature(issue))) issues.push(atSweepValue(key, index, issue.message));
      }
    }
  }
  return issues;
}
