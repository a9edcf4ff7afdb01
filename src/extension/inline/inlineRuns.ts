/**
 * The runs of a spec as the inline charts need them: the summary, the loss per step and per
 * epoch and the baseline. Runs training in this window are followed from their event stream
 * (no disk reads per step); the others are read from the run store, once per change of their
 * summary.
 */
import * as path from 'node:path';
import { epochRow, type BaselineRow, type EpochRow } from '../../charts/loss';
import type { SparkRow } from '../../charts/editorCharts';
import { downsampleExtrema } from '../../charts/series';
import type { TrainEvent } from '../../engine/events';
import { specRunsDir } from '../../engine/runs/legacyRuns';
import { listRuns, readRun } from '../../engine/runs/runReader';
import { followEvents, type RunState } from '../../engine/runs/runFollower';
import { summaryOfRun, type RunSummary } from '../../engine/runs/summary';
import { specChecksum } from '../../engine/spec/sweep';
import { runsRootFor } from '../config';
import type { RunManager } from '../training/runManager';
import type { TrainingRun } from '../training/trainingRun';
import type * as vscode from 'vscode';

/** Step rows kept per run; beyond this they are thinned, keeping each bucket's extremes. */
const MAX_STEP_ROWS = 2000;

/** One run's data for a sparkline and a hover. */
export interface InlineRun {
  /** Stable over the run's life: the cache key of its images. */
  key: string;
  /** Changes whenever the run's data change. */
  version: string;
  summary: RunSummary;
  /** The run folder, once it exists. */
  runDir?: string;
  /** True while the run trains (or waits) in this window. */
  live: boolean;
  /** Train loss per step. */
  steps: readonly SparkRow[];
  epochs: readonly EpochRow[];
  baseline?: BaselineRow;
}

/**
 * A run's loss per step, thinned as it grows: the one series the run's follower does not keep.
 * Everything else (epochs, baseline, summary) comes from the follower.
 */
class StepSeries {
  rows: SparkRow[] = [];

  add(event: TrainEvent): void {
    if (event.type !== 'step') return;
    this.rows.push({ x: event.step, value: event.loss });
    if (this.rows.length > MAX_STEP_ROWS) {
      this.rows = downsampleExtrema(this.rows, MAX_STEP_ROWS / 2, 'value');
    }
  }
}

function epochRows(run: Readonly<RunState>): EpochRow[] {
  return run.finishedEpochs.map((e) => epochRow(e, e.step));
}

function baselineOf(run: Readonly<RunState>): BaselineRow | undefined {
  return run.start && { loss: run.start.baseline.loss, label: run.start.baseline.label };
}

/** A run of this window: its state is the run's own follower; only the step series is kept here. */
class LiveRun {
  private readonly steps = new StepSeries();
  private readonly subscription: { dispose(): void };
  private epochs?: { revision: number; rows: EpochRow[] };

  constructor(readonly run: TrainingRun) {
    this.subscription = run.onEvent((event) => this.steps.add(event));
  }

  view(): InlineRun {
    const run = this.run;
    const state = run.progress;
    const id = run.runDir ? path.basename(run.runDir) : `queued-${run.key}`;
    const identity = { id, experiment: run.sweepRun.spec.name, startedAt: run.queuedAt, specChecksum: specChecksum(run.sweepRun.spec), sweep: run.sweepPoint };
    // The worker's own final summary, once it has one, is the reference.
    const summary: RunSummary = run.summary ?? summaryOfRun(identity, state, Date.now());
    if (this.epochs?.revision !== state.finishedEpochs.length) {
      this.epochs = { revision: state.finishedEpochs.length, rows: epochRows(state) };
    }
    return {
      key: `live:${run.key}`,
      version: `${state.revision}:${run.state}`,
      summary,
      runDir: run.runDir,
      live: run.isActive,
      steps: this.steps.rows,
      epochs: this.epochs.rows,
      baseline: baselineOf(state),
    };
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/** The runs of every spec, live and stored. */
export class InlineRunSource implements vscode.Disposable {
  private readonly live = new Map<TrainingRun, LiveRun>();
  /** Stored runs read from disk, by run folder, with the summary time they were read at. */
  private readonly stored = new Map<string, { updatedAt: string; run: InlineRun }>();
  private readonly subscription: vscode.Disposable;

  constructor(runs: RunManager) {
    // Runs are announced (queued) before they start, so no event is missed.
    this.subscription = runs.onDidChange((run) => {
      if (!this.live.has(run)) {
        this.live.set(run, new LiveRun(run));
      }
    });
  }

  /** The spec's runs, newest first: this window's (live data) and the run store's. */
  runsOf(specUri: vscode.Uri): InlineRun[] {
    const mine = [...this.live.values()].filter((live) => live.run.specUri.toString() === specUri.toString()).map((live) => live.view());
    const followed = new Set(mine.filter((run) => run.runDir).map((run) => run.summary.id));
    const folder = specRunsDir(runsRootFor(specUri), specUri.fsPath);
    const stored = listRuns(folder)
      .filter((summary) => !followed.has(summary.id))
      .map((summary) => ({ summary, dir: path.join(folder, summary.id) }));
    return [
      ...mine.map((run) => ({ run, startedAt: run.summary.startedAt })),
      ...stored.map((s) => ({ run: this.storedRun(s.dir, s.summary), startedAt: s.summary.startedAt })),
    ]
      .sort((a, b) => Number(b.run.live) - Number(a.run.live) || b.startedAt.localeCompare(a.startedAt))
      .map((entry) => entry.run);
  }

  dispose(): void {
    this.subscription.dispose();
    this.live.forEach((live) => live.dispose());
  }

  /** A stored run, its series read from its folder once, and again only when its summary changes. */
  private storedRun(dir: string, summary: RunSummary): InlineRun {
    const cached = this.stored.get(dir);
    if (cached && cached.updatedAt === summary.updatedAt && cached.run.summary.status === summary.status) {
      return cached.run;
    }
    const record = readRun(dir);
    const steps = new StepSeries();
    record.metrics.forEach((event) => steps.add(event));
    const state = followEvents(record.metrics);
    const run: InlineRun = {
      key: `stored:${dir}`,
      version: `${summary.updatedAt}:${summary.status}`,
      summary,
      runDir: dir,
      live: false,
      steps: steps.rows,
      epochs: epochRows(state),
      baseline: baselineOf(state) ?? summary.baseline,
    };
    this.stored.set(dir, { updatedAt: summary.updatedAt, run });
    return run;
  }
}
