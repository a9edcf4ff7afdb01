/**
 * The doctor's findings that concern a spec now: those of its live runs as they come, else
 * those of its latest run (all runs of its latest sweep, when that run was one of a sweep).
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../../engine/doctor/types';
import { RUN_FILES } from '../../engine/runs/layout';
import { specRunsDir } from '../../engine/runs/legacyRuns';
import { listRuns, readJson } from '../../engine/runs/runReader';
import { isStoredSpec } from '../../engine/runs/storedSpec';
import type { RunSummary } from '../../engine/runs/summary';
import type { ExperimentSpec } from '../../engine/spec/types';
import { runsRootFor } from '../config';
import type { RunManager } from '../training/runManager';

export interface RunFinding {
  finding: Finding;
  /** The resolved spec the run trained. */
  runSpec: ExperimentSpec;
  /** The run's id and folder (absent for a live run whose folder is not known yet). */
  runId?: string;
  runDir?: string;
  /** The run's sweep label, when it is one run of a sweep. */
  sweepLabel?: string;
}

/** Warnings and errors; info findings are advice. */
export function isWarning(finding: Finding): boolean {
  return finding.severity !== 'info';
}

export function runFindingsFor(runs: RunManager, specUri: vscode.Uri): RunFinding[] {
  const live = runs.activeFor(specUri).filter((run) => run.findings.length > 0);
  if (live.length > 0) {
    return live.flatMap((run) =>
      run.findings.map((finding) => ({
        finding,
        runSpec: run.sweepRun.spec,
        runDir: run.runDir,
        runId: run.runDir?.split(/[\\/]/).at(-1),
        sweepLabel: run.sweepRun.label || undefined,
      })),
    );
  }
  const dir = specRunsDir(runsRootFor(specUri), specUri.fsPath);
  const summaries = listRuns(dir).filter((summary) => summary.status !== 'running');
  return latestRuns(summaries).flatMap((summary) => {
    const runDir = join(dir, summary.id);
    const stored = readJson(join(runDir, RUN_FILES.spec));
    if (!isStoredSpec(stored)) return [];
    return (summary.findings ?? []).map((finding) => ({ finding, runSpec: stored.spec, runDir, runId: summary.id, sweepLabel: summary.sweep?.label }));
  });
}

/** The newest run, or every run of the newest one's sweep group. */
function latestRuns(summaries: RunSummary[]): RunSummary[] {
  const newest = summaries[0];
  const group = newest?.sweep?.group?.id;
  if (!newest) return [];
  return group === undefined ? [newest] : summaries.filter((summary) => summary.sweep?.group?.id === group);
}
