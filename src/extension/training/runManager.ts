/**
 * Every training run of this window: a queue that starts runs in order, up to
 * `rnnLab.maxParallelRuns` at once, and one change event that the CodeLens, the status bar and the panel follow.
 */
import * as vscode from 'vscode';
import { DEFAULT_PYTHONS } from '../../engine/pytorch/python';
import { parallelRuns, threadsPerRun } from '../../engine/resources/parallelRuns';
import { groupedSweepPoints, type SweepRun } from '../../engine/spec/sweep';
import { readSettings, runsRootFor, type Settings } from '../config';
import type { SweepPoint } from '../../engine/runs/summary';
import { activatePythonExtension, selectedInterpreter } from './pythonInterpreter';
import { TrainingRun, type RunEnvironment } from './trainingRun';

export class RunManager implements vscode.Disposable {
  private readonly runs: TrainingRun[] = [];
  /** Why fewer runs train at once than `rnnLab.maxParallelRuns` asks, as last logged. */
  private reducedReason?: string;
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

  /**
   * Queues one run per sweep point and starts as many as the concurrency setting allows;
   * `asSweep` records the runs as one sweep group.
   */
  enqueue(specUri: vscode.Uri, sweepRuns: SweepRun[], asSweep = false): TrainingRun[] {
    const settings = readSettings(specUri);
    if (settings.engine === 'pytorch') activatePythonExtension();
    const points = asSweep ? groupedSweepPoints(sweepRuns) : undefined;
    const environment = this.environment(specUri);
    return this.add(sweepRuns.map((sweepRun, i) => new TrainingRun(specUri, sweepRun, environment, points?.[i])));
  }

  /** Queues the continuation of a stopped or interrupted run folder, with its recorded spec and sweep point. */
  resume(specUri: vscode.Uri, runDir: string, stored: { spec: SweepRun['spec']; sweep?: SweepPoint }): TrainingRun {
    const sweepRun: SweepRun = { spec: stored.spec, assignments: stored.sweep?.assignments ?? {}, label: stored.sweep?.label ?? '' };
    const [run] = this.add([new TrainingRun(specUri, sweepRun, this.environment(specUri), stored.sweep, runDir)]);
    return run;
  }

  private add(queued: TrainingRun[]): TrainingRun[] {
    this.runs.push(...queued);
    queued.forEach((run) => this.changed.fire(run));
    this.startQueued();
    return queued;
  }

  private environment(specUri: vscode.Uri): RunEnvironment {
    const settings = readSettings(specUri);
    return {
      workerPath: this.workerPath,
      resourcesDir: this.resourcesDir,
      runsRoot: runsRootFor(specUri),
      backend: settings.backend,
      engine: settings.engine,
      python: settings.pythonPath || undefined,
      pythonFallbacks: [...selectedInterpreter(specUri), ...DEFAULT_PYTHONS],
      memoryLimitMb: settings.workerMemoryLimitMb,
      log: this.log,
      onChange: (run: TrainingRun) => {
        this.changed.fire(run);
        // The run's folder exists now: the next queued run may start.
        if (run.runDir !== undefined) this.startQueued();
      },
      onEnd: (run: TrainingRun) => {
        this.ended.fire(run);
        this.startQueued();
      },
    };
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

  /** The runs of the spec's newest sweep in this window (in grid order), while one of them is active. */
  activeSweep(specUri: vscode.Uri): TrainingRun[] | undefined {
    const runs = this.runsFor(specUri);
    const group = runs.find((run) => run.isActive && run.sweepGroup)?.sweepGroup;
    return group && runs.filter((run) => run.sweepGroup?.id === group.id).reverse();
  }

  /** Every sweep of this window with an active run, each as its runs in grid order. */
  activeSweeps(): TrainingRun[][] {
    const ids = new Set(this.active().flatMap((run) => (run.sweepGroup ? [run.sweepGroup.id] : [])));
    return [...ids].map((id) => this.runs.filter((run) => run.sweepGroup?.id === id));
  }

  /** The runs that may train at once now; a setting lowered for memory says so in the log, once per reason. */
  private parallelLimit(settings: Settings): number {
    const { count, reduced } = parallelRuns({
      requested: settings.maxParallelRuns,
      threadsPerRun: settings.threadsPerRun,
      memoryLimitMb: settings.workerMemoryLimitMb,
      knob: 'rnnLab.maxParallelRuns',
      memoryKnob: 'rnnLab.workerMemoryLimitMb',
    });
    if (reduced && settings.maxParallelRuns !== undefined && reduced !== this.reducedReason) this.log.warn(reduced);
    this.reducedReason = reduced;
    return count;
  }

  dispose(): void {
    this.runs.forEach((run) => run.dispose());
    this.changed.dispose();
    this.ended.dispose();
  }

  /**
   * Starts queued runs, oldest first, up to `rnnLab.maxParallelRuns` (see `parallelRuns`); one at a time: the next
   * waits until the one before it has its run folder, so that a sweep's runs start (and their
   * folders sort) in grid order.
   */
  private startQueued(): void {
    if (this.runs.some((run) => run.state === 'running' && run.runDir === undefined)) {
      return;
    }
    const running = this.runs.filter((run) => run.state === 'running' || run.state === 'stopping').length;
    const settings = readSettings();
    const limit = this.parallelLimit(settings);
    const next = this.runs.find((run) => run.state === 'queued');
    if (next && running < limit) {
      // Its share of the cores among the runs that train together once the queue has started them.
      const queued = this.runs.filter((run) => run.state === 'queued').length;
      next.start(threadsPerRun(settings.threadsPerRun, Math.min(limit, running + queued)));
    }
  }
}
