/**
 * One run of one experiment, trained in its own worker thread. The host side of the worker:
 * it follows the run's progress, asks it to stop, and takes over when the worker dies, so
 * that the run folder always ends with a final status and the editor carries on.
 */
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { BackendPreference, TrainEngine } from '../../engine/engineKind';
import type { Finding } from '../../engine/doctor/types';
import type { TrainEvent } from '../../engine/events';
import { describeEngine, formatLogNumber } from '../../engine/format';
import { closeAbandonedRun } from '../../engine/runs/abandonedRun';
import { RunFollower, type RunState } from '../../engine/runs/runFollower';
import { isActiveStatus, type RunStatus } from '../../engine/runs/runStatus';
import type { RunSummary, SweepGroup, SweepPoint } from '../../engine/runs/summary';
import type { SweepRun } from '../../engine/spec/sweep';
import { STOP_REQUESTED, trainingWorkerFailure, WorkerMessageType, type TrainingJob, type WorkerReplyTo } from '../../protocol';

export interface RunEnvironment {
  workerPath: string;
  resourcesDir: string;
  runsRoot: string;
  backend: BackendPreference;
  engine: TrainEngine;
  /** The pytorch engine: the Python the setting names, else the interpreters to try. */
  python?: string;
  pythonFallbacks?: string[];
  memoryLimitMb: number;
  log: vscode.LogOutputChannel;
  /** Called on every change of state or progress (often: once per step). */
  onChange(run: TrainingRun): void;
  /** Called once when the run is over, whatever the reason. */
  onEnd(run: TrainingRun): void;
}

/** How long a worker may take to stop by itself before it is terminated. */
const STOP_GRACE_MS = 3000;
/** The pytorch engine's child finishes its step (on a GPU, maybe a long one) and saves the weights first. */
const PYTORCH_STOP_GRACE_MS = 20_000;

let nextKey = 1;

export class TrainingRun {
  readonly key = nextKey++;
  runDir?: string;
  /** The worker's final summary, once it sent it. */
  summary?: RunSummary;
  readonly queuedAt = Date.now();
  /** The run's one state: its events folded in, and the queue's own transitions. */
  private readonly follower = new RunFollower('queued');
  /** Set once the run is over and `onEnd` was called. */
  private ended = false;
  private readonly eventListeners = new Set<(event: TrainEvent) => void>();
  private worker?: Worker;
  private readonly stopFlag = new SharedArrayBuffer(4);
  private stopTimer?: NodeJS.Timeout;

  /** What the run store records of the run's place in a sweep; undefined for a single run. */
  readonly sweepPoint?: SweepPoint;

  constructor(
    readonly specUri: vscode.Uri,
    readonly sweepRun: SweepRun,
    private readonly environment: RunEnvironment,
    /** The run's point in a sweep group, when it is one run of a sweep. */
    grouped?: SweepPoint,
    /** A stopped or interrupted run folder this run continues. */
    private readonly resumeRunDir?: string,
  ) {
    // `runDir` is set once the worker opened the folder: a resume it refuses leaves the folder alone.
    this.sweepPoint = grouped ?? (sweepRun.label ? { label: sweepRun.label, assignments: sweepRun.assignments } : undefined);
  }

  /** The sweep this run belongs to, when a "train the sweep" action queued it. */
  get sweepGroup(): SweepGroup | undefined {
    return this.sweepPoint?.group;
  }

  get name(): string {
    return this.sweepRun.label ? `${this.sweepRun.spec.name} (${this.sweepRun.label})` : this.sweepRun.spec.name;
  }

  /** What the run's events and the queue made of it: status, progress, epochs, best values, steps/s, newest probe. */
  get progress(): Readonly<RunState> {
    return this.follower;
  }

  get state(): RunStatus {
    return this.follower.status;
  }

  get reason(): string | undefined {
    return this.follower.reason;
  }

  /** The training doctor's standing findings, as soon as it reports them. */
  get findings(): readonly Finding[] {
    return this.follower.findings ?? [];
  }

  get isActive(): boolean {
    return isActiveStatus(this.state);
  }

  /** `threads`: the kernels' threads for this run (see `threadsPerRun`). */
  start(threads: number): void {
    const env = this.environment;
    const job: TrainingJob = {
      spec: this.sweepRun.spec,
      sweep: this.sweepPoint,
      specPath: this.specUri.fsPath,
      runsRoot: env.runsRoot,
      backend: env.backend,
      engine: env.engine,
      python: env.python,
      pythonFallbacks: env.pythonFallbacks,
      resourcesDir: env.resourcesDir,
      memoryLimitMb: env.memoryLimitMb,
      threads,
      stopFlag: this.stopFlag,
      resumeRunDir: this.resumeRunDir,
    };
    this.follower.setActive('running');
    env.log.info(`${this.resumeRunDir ? `Resuming ${this.resumeRunDir} of` : 'Training'} ${this.name} from ${this.specUri.fsPath}`);
    const worker = new Worker(env.workerPath, { workerData: job, resourceLimits: { maxOldGenerationSizeMb: env.memoryLimitMb } });
    this.worker = worker;
    worker.on('message', (message: WorkerReplyTo<TrainingJob>) => this.receive(message));
    worker.on('error', (error: Error & { code?: string }) => {
      const reason = trainingWorkerFailure(error, env.memoryLimitMb, 'setting rnnLab.workerMemoryLimitMb');
      env.log.error(`${this.name}: ${error.stack ?? error.message}`);
      this.abandon('failed', reason);
    });
    worker.on('exit', (code) => {
      if (this.isActive) {
        const stopped = this.state === 'stopping';
        this.abandon(stopped ? 'stopped' : 'failed', stopped ? 'stopped by the user' : `the training worker exited with code ${code}`);
      }
    });
    env.onChange(this);
  }

  /**
   * Calls `listener` with every training event from now on, after the run store recorded it
   * (so a reader of the run folder plus this stream misses nothing).
   */
  onEvent(listener: (event: TrainEvent) => void): { dispose(): void } {
    this.eventListeners.add(listener);
    return { dispose: () => this.eventListeners.delete(listener) };
  }

  /** Asks the run to stop; a queued run is taken out of the queue and never starts. */
  stop(): void {
    if (this.state === 'queued') {
      this.finish('cancelled', 'removed from the queue before it started');
      return;
    }
    if (this.state !== 'running') {
      return;
    }
    this.follower.setActive('stopping');
    Atomics.store(new Int32Array(this.stopFlag), 0, STOP_REQUESTED);
    const grace = this.environment.engine === 'pytorch' ? PYTORCH_STOP_GRACE_MS : STOP_GRACE_MS;
    this.stopTimer = setTimeout(() => void this.worker?.terminate(), grace);
    this.environment.onChange(this);
  }

  /** Ends the worker at once (window closing, extension disabled); the run stays readable. */
  dispose(): void {
    if (this.isActive) {
      this.abandon('stopped', 'VS Code closed while the run was training');
    }
  }

  private receive(message: WorkerReplyTo<TrainingJob>): void {
    switch (message.type) {
      case WorkerMessageType.RunCreated:
        this.runDir = message.runDir;
        break;
      case WorkerMessageType.Event:
        this.follower.add(message.event);
        this.log(message.event);
        this.eventListeners.forEach((listener) => listener(message.event));
        if (message.event.type === 'end') {
          // The end event comes once the run folder is complete: the run is over now, not when the worker exits.
          if (!this.ended) this.end();
          return;
        }
        break;
      case WorkerMessageType.Finished:
        this.summary = message.summary;
        if (!this.ended) {
          const { status, reason } = message.summary;
          this.follower.finish(status === 'completed' || status === 'stopped' ? status : 'failed', reason);
          this.end();
          return;
        }
        break;
      case WorkerMessageType.Failed:
        // A stop while Python was still starting ends the run before it began: stopped, not failed.
        if (this.state === 'stopping') this.abandon('stopped', 'stopped by the user before training started');
        else this.abandon('failed', message.reason);
        return;
    }
    this.environment.onChange(this);
  }

  private log(event: TrainEvent): void {
    const log = this.environment.log;
    switch (event.type) {
      case 'start':
        log.info(`${this.name}: ${event.dataset}; ${event.parameterCount} parameters; ${describeEngine(event.engine, event.backend, event)}`);
        break;
      case 'epoch':
        log.info(
          `${this.name}: epoch ${event.epoch}/${this.follower.epochsPlanned} train ${formatLogNumber(event.trainLoss)} validation ${formatLogNumber(event.validationLoss)}`,
        );
        break;
      case 'log':
        log[event.level](
          `${this.name}: ${event.message}${
            event.detail
              ? `
${event.detail}`
              : ''
          }`,
        );
        break;
      default:
        break;
    }
  }

  /** The worker is gone or must go: end it and write the run's final status ourselves. */
  private abandon(state: 'stopped' | 'failed', reason: string): void {
    // A worker that fails after its end event leaves a complete run folder: nothing to close.
    if (!this.isActive) return;
    void this.worker?.terminate();
    if (this.runDir) {
      try {
        this.summary = closeAbandonedRun(this.runDir, state, reason);
      } catch (error) {
        this.environment.log.error(`${this.name}: could not close the run folder ${this.runDir}: ${String(error)}`);
      }
    }
    this.finish(state, reason);
  }

  private finish(state: 'stopped' | 'failed' | 'cancelled', reason: string): void {
    if (this.follower.finish(state, reason)) this.end();
  }

  /** The run is over (its state says how): tell the queue once. */
  private end(): void {
    this.ended = true;
    clearTimeout(this.stopTimer);
    this.environment.log.info(`${this.name}: ${this.state}${this.reason ? ` (${this.reason})` : ''}`);
    this.environment.onChange(this);
    this.environment.onEnd(this);
  }
}
