/**
 * Which run a spec's headline (the CodeLens result line and the line beside `"name"`) stands
 * for: after a sweep, the sweep's best run, whichever of its runs started or ended last; else
 * the latest run. Pure: run summaries in, one run out.
 */
import type { RunSummary } from './summary';

export interface Headline<T> {
  run: T;
  /** True when `run` is the best of the latest sweep rather than simply the latest run. */
  sweepBest: boolean;
}

/** The headline of `runs` (newest first); `summaryOf` reads a run's summary. */
export function headlineRun<T>(runs: readonly T[], summaryOf: (run: T) => RunSummary): Headline<T> | undefined {
  const latest = runs[0];
  if (latest === undefined) return undefined;
  const group = summaryOf(latest).sweep?.group;
  const scored =
    group === undefined ? [] : runs.filter((run) => summaryOf(run).sweep?.group?.id === group.id && summaryOf(run).bestValidationLoss !== undefined);
  if (scored.length === 0) return { run: latest, sweepBest: false };
  const best = scored.reduce((a, b) => (summaryOf(b).bestValidationLoss! < summaryOf(a).bestValidationLoss! ? b : a));
  return { run: best, sweepBest: true };
}
