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
import { experimentDir } from '../../engine/runs/layout';
import { listRuns, readRun } from '../../engine/runs/runReader';
import { SummaryBuilder, type RunSummary } from '../../engine/runs/summary';
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

/** Folds a run's events into its loss series (the summary folds them too, in `SummaryBuilder`). */
class RunTrace {
  steps: SparkRow[] = [];
  readonly epochs: EpochRow[] = [];
  baseline?: BaselineRow;
  private lastStep = 0;
  count = 0;

  add(event: TrainEvent): void {
    switch (event.type) {
      case 'start':
        this.baseline = { loss: event.baseline.loss, label: event.baseline.label };
        break;
      case 'step':
        this.lastStep = event.step;
        this.steps.push({ x: event.step, value: event.loss });
        if (this.steps.length > MAX_STEP_ROWS) {
          this.steps = downsampleExtrema(this.steps, MAX_STEP_ROWS / 2, 'value');
        }
        break;
      case 'epoch':
        this.epochs.push(epochRow(event, this.lastStep));
        break;
      default:
        return;
    }
    this.count += 1;
  }
}

/** A run of this window, followed from its events. */
class LiveRun {
  readonly trace = new RunTrace();
  private readonly builder: SummaryBuilder;
  private readonly subscription: { dispose(): void };

  constructor(readonly run: TrainingRun) {
    this.builder = new SummaryBuilder({
      id: '',
      experiment: run.sweepRun.spec.name,
      startedAt: run.queuedAt,
      specChecksum: specChecksum(run.sweepRun.spec),
      sweep: run.sweepPoint,
    });
    this.subscription = run.onEvent((event) => {
      this.trace.add(event);
      this.builder.add(event);
    });
  }

  view(): InlineRun {
    const run = this.run;
    const id = run.runDir ? path.basename(run.runDir) : `queued-${run.key}`;
    const built = this.builder.summary(Date.now());
    // The worker's own final summary, once it has one, is the reference.
    const summary: RunSummary = run.summary ?? { ...built, id, status: run.isActive ? 'running' : run.state === 'completed' ? 'completed' : run.state === 'stopped' ? 'stopped' : 'failed', reason: run.reason ?? built.reason };
    return {
      key: `live:${run.key}`,
      version: `${this.trace.count}:${run.state}`,
      summary,
      runDir: run.runDir,
      live: run.isActive,
      steps: this.trace.steps,
      epochs: this.trace.epochs,
      baseline: this.trace.baseline,
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
    const folder = experimentDir(runsRootFor(specUri), specUri.fsPath);
    const stored = listRuns(folder)
      .filter((summary) => !followed.has(summary.id))
      .map((summary) => ({ summary, dir: path.join(folder, summary.id) }));
    return [...mine.map((run) => ({ run, startedAt: run.summary.startedAt })), ...stored.map((s) => ({ run: this.storedRun(s.dir, s.summary), startedAt: s.summary.startedAt }))]
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
    const trace = new RunTrace();
    record.metrics.forEach((event) => trace.add(event));
    const run: InlineRun = {
      key: `stored:${dir}`,
      version: `${summary.updatedAt}:${summary.status}`,
      summary,
      runDir: dir,
      live: false,
      steps: trace.steps,
      epochs: trace.epochs,
      baseline: trace.baseline ?? summary.baseline,
    };
    this.stored.set(dir, { updatedAt: summary.updatedAt, run });
    return run;
  }
}
