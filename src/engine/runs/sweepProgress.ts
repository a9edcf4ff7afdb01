/**
 * How far a sweep got, counted from its runs' states, and its one-line text: for the CodeLens,
 * the status bar and the panel's Sweep view.
 */
import type { RunStatus } from './runStatus';

export interface SweepProgress {
  /** Runs in the sweep. */
  count: number;
  /** Runs that ended after training (completed, stopped, failed or interrupted). */
  done: number;
  /** Runs training or stopping now. */
  training: number;
  queued: number;
  /** Runs taken out of the queue before they started. */
  cancelled: number;
}

/** Counts runs by state: `queued`, `running`/`stopping`, `cancelled`, and any other state as done. */
export function sweepProgress(states: readonly RunStatus[]): SweepProgress {
  const progress: SweepProgress = { count: states.length, done: 0, training: 0, queued: 0, cancelled: 0 };
  for (const state of states) {
    if (state === 'queued') progress.queued += 1;
    else if (state === 'running' || state === 'stopping') progress.training += 1;
    else if (state === 'cancelled') progress.cancelled += 1;
    else progress.done += 1;
  }
  return progress;
}

/** E.g. `Sweep 2/6 done · 2 training · 2 queued`; parts that are zero are left out. */
export function describeSweepProgress(progress: SweepProgress): string {
  return [
    `Sweep ${progress.done}/${progress.count} done`,
    progress.training ? `${progress.training} training` : undefined,
    progress.queued ? `${progress.queued} queued` : undefined,
    progress.cancelled ? `${progress.cancelled} cancelled` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' · ');
}
