/**
 * Every training run of this window: a queue that starts runs up to the concurrency
 * setting, and one change event that the CodeLens, the status bar and the panel follow.
 */
import * as vscode from 'vscode';
import type { SweepRun } from '../engine/spec/sweep';
import { readSettings, runsRootFor } from './config';
import { TrainingRun } from './trainingRun';

export class RunManager implements vscode.Disposable {
  private readonly runs: TrainingRun[] = [];
  private readonly changed = new vscode.EventEmitter<TrainingRun>();
  /** Fires on every change of any run: state, progress (per step) or end. */
  readonly onDidChange = this.changed.event;
  private readonly ended = new vscode.EventEmitter<TrainingRun>();
  /** Fires once per run when it is over. */
  readonly onDidEnd = this.ended.event;

  constructor(
    private readonly workerPath: string,
    private readonly resourcesDir: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Queues one run per sweep point and starts as many as the concurrency setting allows. */
  enqueue(specUri: vscode.Uri, sweepRuns: SweepRun[]): TrainingRun[] {
    const settings = readSettings(specUri);
    const queued = sweepRuns.map(
      (sweepRun) =>
        new TrainingRun(specUri, sweepRun, {
          workerPath: this.workerPath,
          resourcesDir: this.resourcesDir,
          runsRoot: runsRootFor(specUri),
          backend: settings.backend,
          engine: settings.engine,
          memoryLimitMb: settings.workerMemoryLimitMb,
          log: this.log,
          onChange: (run) => this.changed.fire(run),
          onEnd: (run) => {
            this.ended.fire(run);
            this.startQueued();
          },
        }),
    );
    this.runs.push(...queued);
    queued.forEach((run) => this.changed.fire(run));
    this.startQueued();
    return queued;
  }

  /** Runs queued or training, oldest first. */
  active(): TrainingRun[] {
    return this.runs.filter((run) => run.isActive);
  }

  activeFor(specUri: vscode.Uri): TrainingRun[] {
    return this.active().filter((run) => run.specUri.toString() === specUri.toString());
  }

  /** This window's runs of a spec, newest first. */
  runsFor(specUri: vscode.Uri): TrainingRun[] {
    return this.runs.filter((run) => run.specUri.toString() === specUri.toString()).reverse();
  }

  dispose(): void {
    this.runs.forEach((run) => run.dispose());
    this.changed.dispose();
    this.ended.dispose();
  }

  private startQueued(): void {
    const limit = readSettings().maxConcurrentRuns;
    let running = this.runs.filter((run) => run.state === 'running' || run.state === 'stopping').length;
    for (const run of this.runs) {
      if (running >= limit) {
        break;
      }
      if (run.state === 'queued') {
        run.start();
        running += 1;
      }
    }
  }
}
